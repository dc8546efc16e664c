/* Every difference between the CPython versions the compiled core is built
 * for (2.7, 3.6 and later, free-threaded 3.13t and later), in one place. The
 * other files are written against the newest public C API; this header
 * supplies what an older CPython lacks, the way pythoncapi-compat does, and
 * is the only place allowed to name a private (_Py) function: each such use
 * backfills a public function of a newer release.
 *
 * Dropping a version is deleting its branches here.
 */
#ifndef BW_COMPAT_H
#define BW_COMPAT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#if PY_MAJOR_VERSION < 3
#  define BW_PY2 1
#endif

/* MSVC before 2015 (what builds 2.7 on Windows) spells inline __inline. */
#if defined(_MSC_VER) && _MSC_VER < 1900 && !defined(inline)
#  define inline __inline
#endif

/* -- strings and docstrings ------------------------------------------------- */

#ifdef BW_PY2
#  define BW_InternFromString PyString_InternFromString
#else
#  define BW_InternFromString PyUnicode_InternFromString
#endif

/* A signature inspect.signature() reads ("name($self, ...)\n--\n\n"): 3.4+. */
#ifdef BW_PY2
#  define BW_SIGNATURE_DOC(signature, doc) PyDoc_STR(doc)
#else
#  define BW_SIGNATURE_DOC(signature, doc) PyDoc_STR(signature "\n--\n\n" doc)
#endif

/* -- references: Py_NewRef and Py_XNewRef (3.10) ---------------------------- */

#if PY_VERSION_HEX < 0x030A0000
static inline PyObject *
Py_NewRef(PyObject *obj)
{
    Py_INCREF(obj);
    return obj;
}

static inline PyObject *
Py_XNewRef(PyObject *obj)
{
    Py_XINCREF(obj);
    return obj;
}
#endif

/* 3.2 named the hash type; 2.7's tp_hash returns a long. */
#ifdef BW_PY2
typedef long Py_hash_t;
#endif

/* -- calls: PyObject_CallNoArgs and PyObject_CallOneArg (3.9) --------------- */

#if PY_VERSION_HEX < 0x03090000
static inline PyObject *
PyObject_CallNoArgs(PyObject *callable)
{
    return PyObject_CallFunctionObjArgs(callable, NULL);
}

static inline PyObject *
PyObject_CallOneArg(PyObject *callable, PyObject *arg)
{
    return PyObject_CallFunctionObjArgs(callable, arg, NULL);
}
#endif

/* -- sets: PySet_CheckExact (2.7 has PyAnySet_CheckExact only) -------------- */

#ifndef PySet_CheckExact
#  define PySet_CheckExact(op) (Py_TYPE(op) == &PySet_Type)
#endif

/* -- dicts -------------------------------------------------------------------- */

/* PyDict_GetItemRef (3.13): 1 and a new reference when found, 0 when
 * absent, -1 on error. 2.7's public PyDict_GetItem swallows errors; its
 * _PyDict_GetItemWithError does not. */
#if PY_VERSION_HEX < 0x030D0000
static inline int
PyDict_GetItemRef(PyObject *dict, PyObject *key, PyObject **result)
{
#ifdef BW_PY2
    PyObject *found = _PyDict_GetItemWithError(dict, key);
#else
    PyObject *found = PyDict_GetItemWithError(dict, key);
#endif
    if (found != NULL) {
        *result = Py_NewRef(found);
        return 1;
    }
    *result = NULL;
    return PyErr_Occurred() ? -1 : 0;
}
#endif

/* PyDict_Pop (3.13): 1 and the value, 0 when absent (no error), -1 on an
 * error; one lookup, as dict.pop. 3.6-3.12 export _PyDict_Pop, which takes
 * a default; 2.7 has neither, so there dict.pop itself is called. Either
 * way the default is *absent*, an object no dict holds. */
#ifdef BW_PY2
/* dict.NAME, found once (2.7 has one interpreter per process here). */
static PyObject *
bw_dict_method(PyObject **cache, const char *name)
{
    if (*cache == NULL)
        *cache = PyObject_GetAttrString((PyObject *)&PyDict_Type, name);
    return *cache;
}
#endif

#if PY_VERSION_HEX < 0x030D0000
static inline int
bw_dict_pop_backfill(PyObject *dict, PyObject *key, PyObject **result,
                     PyObject *absent)
{
#ifdef BW_PY2
    static PyObject *pop;
    PyObject *value = bw_dict_method(&pop, "pop") == NULL ? NULL
        : PyObject_CallFunctionObjArgs(pop, dict, key, absent, NULL);
#else
    PyObject *value = _PyDict_Pop(dict, key, absent);
#endif
    *result = NULL;
    if (value == NULL)
        return -1;
    if (value == absent) {
        Py_DECREF(value);
        return 0;
    }
    *result = value;
    return 1;
}
#  define BW_DICT_POP(dict, key, result, absent) \
    bw_dict_pop_backfill(dict, key, result, absent)
#else
#  define BW_DICT_POP(dict, key, result, absent) PyDict_Pop(dict, key, result)
#endif

/* PyDict_SetDefaultRef (3.13; one atomic step on free-threaded builds):
 * 0 when stored, 1 when present, -1 on error; *result a new reference.
 * 3.4-3.12 have the borrowing PyDict_SetDefault; 2.7 calls dict.setdefault
 * (whether it stored cannot be told there; no caller here asks). */
#if PY_VERSION_HEX < 0x030D0000
static inline int
PyDict_SetDefaultRef(PyObject *dict, PyObject *key, PyObject *deflt,
                     PyObject **result)
{
#ifdef BW_PY2
    static PyObject *setdefault;
    *result = bw_dict_method(&setdefault, "setdefault") == NULL ? NULL
        : PyObject_CallFunctionObjArgs(setdefault, dict, key, deflt, NULL);
#else
    PyObject *found = PyDict_SetDefault(dict, key, deflt);
    *result = found == NULL ? NULL : Py_NewRef(found);
#endif
    if (*result == NULL)
        return -1;
    return *result == deflt ? 0 : 1;
}
#endif

/* -- weak references ---------------------------------------------------------- */

/* PyWeakref_GetRef (3.13): 1 and a new reference to the referent, 0 when
 * dead, -1 when *ref* is no weak reference. Before it, the public
 * PyWeakref_GET_OBJECT, which calling the reference reads too on each
 * version (3.12's also calls a referent being destroyed dead). */
#if PY_VERSION_HEX < 0x030D0000
static inline int
PyWeakref_GetRef(PyObject *ref, PyObject **result)
{
    PyObject *referent;
    *result = NULL;
    if (!PyWeakref_Check(ref)) {
        PyErr_SetString(PyExc_TypeError, "expected a weakref");
        return -1;
    }
    referent = PyWeakref_GET_OBJECT(ref);
    if (referent == Py_None)
        return 0;
    *result = Py_NewRef(referent);
    return 1;
}
#endif

/* -- types ---------------------------------------------------------------------- */

/* PyType_GetDict (3.12): a new reference to the type's namespace. */
#if PY_VERSION_HEX < 0x030C0000
static inline PyObject *
PyType_GetDict(PyTypeObject *type)
{
    return Py_XNewRef(type->tp_dict);
}
#endif

/* A number that changes whenever an attribute of *type* or of a base is set
 * or deleted, 0 while none is assigned: the version tag of the interpreter's
 * attribute cache, which lets a verdict on the type's attributes be reused
 * until the type changes. No function exposes it; the field is public in
 * every version. Before 3.12 a flag says whether it is valid; from 3.12 on,
 * 0 says it is not. */
static inline unsigned int
bw_type_version(PyTypeObject *type)
{
#if defined(Py_GIL_DISABLED)
    return __atomic_load_n(&type->tp_version_tag, __ATOMIC_RELAXED);
#elif PY_VERSION_HEX >= 0x030C0000
    return type->tp_version_tag;
#else
    return PyType_HasFeature(type, Py_TPFLAGS_VALID_VERSION_TAG)
        ? type->tp_version_tag : 0;
#endif
}

/* What a class attribute is defined as: Python 2 wraps a function found on
 * a class in an unbound method. Takes the reference given. */
static inline PyObject *
bw_unbound(PyObject *attribute)
{
#ifdef BW_PY2
    if (PyMethod_Check(attribute)) {
        PyObject *function = Py_NewRef(PyMethod_GET_FUNCTION(attribute));
        Py_DECREF(attribute);
        return function;
    }
#endif
    return attribute;
}

/* -- free-threaded builds ----------------------------------------------------- */

/* Critical sections (3.13) lock an object on free-threaded builds and are
 * no-ops with a GIL; before 3.13 there always is a GIL. */
#ifndef Py_BEGIN_CRITICAL_SECTION
#  define Py_BEGIN_CRITICAL_SECTION(op) {
#  define Py_END_CRITICAL_SECTION() }
#endif

/* A flag two threads may race to set (a free-threaded build runs them at
 * once; with a GIL only code run in between can): 1 when this caller
 * turned it from 0 to 1. Without a GIL, an atomic compare-and-swap. */
static inline int
bw_flag_take(int *flag)
{
#ifdef Py_GIL_DISABLED
    int expected = 0;
    return __atomic_compare_exchange_n(flag, &expected, 1, 0,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
#else
    if (*flag)
        return 0;
    *flag = 1;
    return 1;
#endif
}

static inline void
bw_flag_release(int *flag)
{
#ifdef Py_GIL_DISABLED
    __atomic_store_n(flag, 0, __ATOMIC_RELEASE);
#else
    *flag = 0;
#endif
}

/* A remembered type version: another thread may write it at the same time
 * (the same value), which must not be a data race without a GIL. */
static inline unsigned int
bw_load_version(unsigned int *place)
{
#ifdef Py_GIL_DISABLED
    return __atomic_load_n(place, __ATOMIC_RELAXED);
#else
    return *place;
#endif
}

static inline void
bw_store_version(unsigned int *place, unsigned int version)
{
#ifdef Py_GIL_DISABLED
    __atomic_store_n(place, version, __ATOMIC_RELAXED);
#else
    *place = version;
#endif
}

/* An object slot of *obj* that another thread may assign meanwhile, as a
 * new reference or NULL: read as the interpreter reads a member slot
 * (PyMember_GetOne takes the object's lock where it must, on free-threaded
 * builds); with a GIL, the field itself. */
#ifdef Py_GIL_DISABLED
#  define BW_READ_SLOT(obj, field, member) \
    bw_read_member((PyObject *)(obj), (member))
static inline PyObject *
bw_read_member(PyObject *obj, PyMemberDef *member)
{
    PyObject *value = PyMember_GetOne((const char *)obj, member);
    if (value == NULL)
        PyErr_Clear();   /* unset: the caller asks Python for the error */
    return value;
}
#else
#  define BW_READ_SLOT(obj, field, member) Py_XNewRef((obj)->field)
#endif

/* -- interpreters --------------------------------------------------------------- */

/* The running interpreter: PyInterpreterState_Get (3.9), the thread
 * state's field before. */
static inline PyInterpreterState *
bw_interpreter(void)
{
#if PY_VERSION_HEX >= 0x03090000
    return PyInterpreterState_Get();
#else
    return PyThreadState_Get()->interp;
#endif
}

/* -- methods: how arguments arrive ------------------------------------------ */

/* The methods take their common call shapes in C and hand every other shape
 * (keywords, too few or too many arguments) to the pure-Python twin's method
 * of the same name, which does the job or words the error. METH_FASTCALL |
 * METH_KEYWORDS is public from 3.7 (3.6 has a private, different one); 2.7
 * and 3.6 take a tuple and a dict.
 *
 * BW_METHOD(entry, implementation, lowest, highest, kind, name) defines
 * *entry*, which calls implementation(self, args, nargs) for lowest..highest
 * positional arguments and no keywords, else twin_call_fast() or
 * twin_call_tuple() (twin.h) with the method *name* of *kind*'s twin. */
#if PY_VERSION_HEX >= 0x03070000
#  define BW_METHOD_FLAGS (METH_FASTCALL | METH_KEYWORDS)
#  define BW_METHOD(entry, implementation, lowest, highest, kind, name)      \
    static PyObject *                                                         \
    entry(PyObject *self, PyObject *const *args, Py_ssize_t nargs,            \
          PyObject *kwnames)                                                  \
    {                                                                         \
        if ((kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0)                \
                || nargs < (lowest) || nargs > (highest))                     \
            return twin_call_fast(kind, name, self, args, nargs, kwnames);    \
        return implementation(self, args, nargs);                             \
    }
#else
#  define BW_METHOD_FLAGS (METH_VARARGS | METH_KEYWORDS)
#  define BW_METHOD(entry, implementation, lowest, highest, kind, name)      \
    static PyObject *                                                         \
    entry(PyObject *self, PyObject *args, PyObject *kwargs)                   \
    {                                                                         \
        Py_ssize_t nargs = PyTuple_GET_SIZE(args);                            \
        if ((kwargs != NULL && PyDict_Size(kwargs) > 0)                       \
                || nargs < (lowest) || nargs > (highest))                     \
            return twin_call_tuple(kind, name, self, args, kwargs);           \
        return implementation(self, &PyTuple_GET_ITEM(args, 0), nargs);       \
    }
#endif

/* -- the module ----------------------------------------------------------------- */

/* 3.5+ initialise in phases (PEP 489); 3.12+ read whether subinterpreters
 * may import the module (they may not: its types and objects are one
 * interpreter's, and module.c refuses a second one on older versions too),
 * 3.13+ whether it needs the GIL (it does not: see module.c). 2.7 has one
 * init function. BW_MODULE_INIT(exec, doc) defines the init function from
 * int exec(PyObject *module). */
#ifdef BW_PY2
#  define BW_MODULE_INIT(exec_function, doc)                                  \
    PyMODINIT_FUNC                                                            \
    init_speedups(void)                                                       \
    {                                                                         \
        PyObject *module = Py_InitModule3("backports.weakref._speedups",      \
                                          NULL, doc);                         \
        if (module != NULL)                                                   \
            (void)exec_function(module);                                      \
    }
#else
#  if PY_VERSION_HEX >= 0x030C0000
#    define BW_SLOT_INTERPRETERS                                              \
        {Py_mod_multiple_interpreters,                                        \
         Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED},
#  else
#    define BW_SLOT_INTERPRETERS
#  endif
#  if PY_VERSION_HEX >= 0x030D0000
#    define BW_SLOT_GIL {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#  else
#    define BW_SLOT_GIL
#  endif
#  define BW_MODULE_INIT(exec_function, doc)                                  \
    static PyModuleDef_Slot bw_slots[] = {                                    \
        {Py_mod_exec, (void *)exec_function},                                 \
        BW_SLOT_INTERPRETERS                                                  \
        BW_SLOT_GIL                                                           \
        {0, NULL}                                                             \
    };                                                                        \
    static struct PyModuleDef bw_module = {                                   \
        PyModuleDef_HEAD_INIT, "backports.weakref._speedups", doc, 0, NULL,   \
        bw_slots, NULL, NULL, NULL                                            \
    };                                                                        \
    PyMODINIT_FUNC                                                            \
    PyInit__speedups(void)                                                    \
    {                                                                         \
        return PyModuleDef_Init(&bw_module);                                  \
    }
#endif

#endif /* BW_COMPAT_H */
