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


weak_key_dict = weakref.WeakKeyDictionary({employee1: employee1.name,
                                           employee2: employee2.name,
                                           employee3: employee3.name})

print("Weak Key Dictionary : {}\n".format(weak_key_dict.data))


print("Dictionary Keys : {}\n".format([key().name for key in weak_key_dict.keyrefs()]))

del employee1

print("Dictionary Keys : {}\n".format([key().name for key in weak_key_dict.keyrefs()]))

employee4 = Employee(135, "Peter", 32)
weak_key_dict.update({employee4: employee4.name})

print("Dictionary Keys : {}\n".format([key().name for key in weak_key_dict.keyrefs()]))
