import weakref

def addition(a, b):
    if isinstance(a, (float, int)) and isinstance(b, (float, int)):
        return a + b
    else:
        return None

weak_method_proxy = weakref.proxy(addition)

print("Method Weak Ref : {}".format(weak_method_proxy))
print("\nIs weak_method_proxy proxy ? : {}".format(isinstance(weak_method_proxy, weakref.CallableProxyType)))
print("\nIs weak_method_proxy proxy ? : {}".format(isinstance(weak_method_proxy, weakref.ProxyTypes)))


try:
    print("\nAddition of {} & {} is {}".format(10,20, weak_method_proxy(10,20)))
    del addition
    print("\nAddition of {} & {} is {}".format(20,20, weak_method_proxy(10, 20)))
except Exception as e:
    print("\nError : {}".format(e))
