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
employee3 = Employee(789, "Russell", 40)


weak_set = weakref.WeakSet([employee1, employee2, employee3])

print("Weak Set : {}\n".format(weak_set.data))

for value in weak_set:
    print(value)

print("\nWeakset Values : {}\n".format([value.name for value in weak_set]))

del employee1

print("Weakset Values : {}\n".format([value.name for value in weak_set]))

employee4 = Employee(135, "Peter", 32)
weak_set.add(employee4)

print("Weakset Values : {}\n".format([value.name for value in weak_set]))
