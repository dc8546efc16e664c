import weakref

class Employee:
    def __init__(self, emp_id, name, age):
        self.emp_id = emp_id
        self.name = name
        self.age = age

    def __repr__(self):
        return "{} : {} : {}".format(self.emp_id, self.name, self.age)

employee1 = Employee(123, "William", 30)
employee2 = Employee(456, "Dalton", 35)

e1_weak1 = weakref.ref(employee1)
e1_weak3 = weakref.ref(employee1)
e1_weak2 = weakref.ref(employee1)

print("WeakRef 1 : {}".format(e1_weak1))
print("WeakRef 2 : {}".format(e1_weak2))
print("WeakRef 3 : {}".format(e1_weak3))

print("\nIs e1_weak1 weak ref ? : {}".format(isinstance(e1_weak1, weakref.ReferenceType)))

print("\nNumber of Weak References to employee1 : {}".format(weakref.getweakrefcount(employee1)))

print("\nWeak References to Object : {}".format(weakref.getweakrefs(employee1)))
