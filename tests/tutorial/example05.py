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


def callback1(weakrf):
    print('\nFirst Callback Executed.')

def callback2(weakrf):
    print('\nSecond Callback Executed.')

def callback3(weakrf):
    print('\nThird Callback Executed.')


e1_weak1 = weakref.proxy(employee1, callback1)
e1_weak3 = weakref.proxy(employee1, callback3)
e1_weak2 = weakref.proxy(employee1, callback2)


print("Employee Details (Weakref-e1_weak1) : {}".format(e1_weak1))
print("\nEmployee Details (Weakref-e1_weak2) : {}".format(e1_weak2))
print("\nEmployee Details (Weakref-e1_weak3) : {}".format(e1_weak3))

del employee1
