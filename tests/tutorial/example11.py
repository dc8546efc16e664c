import weakref

class Employee:
    def __init__(self, emp_id, name, age):
        self.emp_id = emp_id
        self.name = name
        self.age = age

    def __repr__(self):
        return "{} : {} : {}".format(self.emp_id, self.name, self.age)

    def pretty_print(self):
        print("Employee Details (ID : {}, Name : {}, Age : {})".format(self.emp_id, self.name, self.age))

employee1 = Employee(123, "William", 30)
employee2 = Employee(456, "Dalton", 35)
employee3 = Employee(789, "Russell", 40)


weak_method = weakref.WeakMethod(employee1.pretty_print)

print("Weak Ref to Method : {}".format(weak_method))
print("\nMethod Ref : {}\n".format(weak_method()))

weak_method()()

del employee1

print("\nWeak Ref to Method : {}".format(weak_method))
