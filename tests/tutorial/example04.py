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

print("Type of Employee (employee1) : {}".format(type(employee1)))
print("\nEmployee Details (Normal)  : {}".format(employee1))

e1_weak = weakref.proxy(employee1)

print("\nType of Employee (e1_weak) : {}".format(type(e1_weak)))
print("\nIs e1_weak proxy ? : {}".format(isinstance(e1_weak, weakref.ProxyType)))
print("\nIs e1_weak proxy ? : {}".format(isinstance(e1_weak, weakref.ProxyTypes)))
print("\nEmployee Details (Weakref) : {}".format(e1_weak))

del employee1

try:
    print("\nWeak Reference after deletion of both references : {}".format(e1_weak))
except Exception as e:
    print("\nError : {} : Access to weak referenced object failed.".format(type(e).__name__))
