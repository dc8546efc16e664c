import weakref
import datetime

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

def optional_finalizer():
    print("This finalizer won't be executed when object will be deleted.")

def log_object_deletion():
    print("Object deleted at : {}".format(datetime.datetime.now()))

def free_up_resources(*args):
    print("\nReleasing all resources used by obejct before deleting it.")
    for arg in args:
        print("Releasing : {}".format(arg))

finalizer1 = weakref.finalize(employee1, log_object_deletion)
finalizer2 = weakref.finalize(employee1, free_up_resources, "db", "files")
finalizer3 = weakref.finalize(employee1, optional_finalizer)

finalizer3.detach()

print("Type of Finalize Object : {} for object : {}".format(finalizer1, employee1))
print("\nIs finalizer1 alive? : {}".format(finalizer1.alive))
print("Will finalizer1 be executed at exit? : {}".format(finalizer1.atexit))
print("\nIs finalizer2 alive? : {}".format(finalizer2.alive))
print("Will finalizer2 be executed at exit? : {}".format(finalizer2.atexit))
print("\nIs finalizer3 alive? : {}".format(finalizer3.alive))
print("Will finalizer3 be executed at exit? : {}".format(finalizer3.atexit))

del employee1

print("\nIs finalizer1 alive? : {}".format(finalizer1.alive))
print("Is finalizer1 alive? : {}".format(finalizer2.alive))
print("Is finalizer1 alive? : {}".format(finalizer3.alive))
