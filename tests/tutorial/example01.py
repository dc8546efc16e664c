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

e1_weak = weakref.ref(employee1)

print("\nWeak Reference : {}".format(e1_weak))

empl1 = e1_weak()
print("\nEmployee Details (Instance Created through Weakref) : {}".format(empl1))

print("\nType of Employee (empl1) : {}".format(type(empl1)))

print("\nIs empl1 and employee1 same? : {}".format(empl1 is employee1))

del employee1, empl1

print("\nWeak Reference after deletion of both references : {}".format(e1_weak))
print("\nEmployee Details (Weakref) : {}".format(e1_weak()))
