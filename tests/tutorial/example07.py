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


weak_value_dict = weakref.WeakValueDictionary({employee1.name: employee1,
                                               employee2.name: employee2,
                                               employee3.name: employee3})

print("Weak Value Dictionary : {}\n".format(weak_value_dict.data))

print("Dictionary Values : {}\n".format([value().name for value in weak_value_dict.valuerefs()]))

del employee1

print("Dictionary Values : {}\n".format([value().name for value in weak_value_dict.valuerefs()]))

employee4 = Employee(135, "Peter", 32)
weak_value_dict.update({employee4.name: employee4})

print("Dictionary Values : {}\n".format([value().name for value in weak_value_dict.valuerefs()]))
