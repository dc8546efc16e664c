import weakref

def addition(a, b):
    if isinstance(a, (float, int)) and isinstance(b, (float, int)):
        return a + b
    else:
        return None

weak_method = weakref.ref(addition)

print("Method Weak Ref : {}".format(weak_method))

print("\nAddition of {} & {} is {}".format(10,20, weak_method()(10,20) if weak_method() else None))

del addition

print("\nAddition of {} & {} is {}".format(20,20, weak_method()(10, 20) if weak_method() else None))
