/* Every difference between the CPython versions _speedups.c is built for
 * (2.7, 3.6-3.15, free-threaded 3.13t and later), in one place: the C file
 * itself is written against the newest C API, and this header supplies it
 * where an older CPython lacks it, or says how a version differs.
 *
 * Dropping a version is deleting its branches here.
 */
#ifndef BACKPORTS_WEAKREF_SPEEDUPS_COMPAT_H
#define BACKPORTS_WEAKREF_SPEEDUPS_COMPAT_H

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

/* -- strings ------------------------------------------------------------ */

#ifdef BW_PY2
#  define BW_InternFromString PyString_InternFromString
#  define BW_FromString PyString_FromString
#else
#  define BW_InternFromString PyUnicode_InternFromString
#  define BW_FromString PyUnicode_FromString
#endif

/* A method's signature for inspect.signature(), in the docstring as 3.4+
 * reads it ("name($self, ...)\n--\n\n"); 2.7 has no such convention. */
#ifdef BW_PY2
#  define BW_SIGNATURE_DOC(signature, doc) PyDoc_STR(doc)
#else
#  define BW_SIGNATURE_DOC(signature, doc) PyDoc_STR(signature "\n--\n\n" doc)
#endif

/* -- references ------------------------------------------------------------ */

#if PY_VERSION_HEX < 0x030A0000
static inline PyObject *
Py_NewRef(PyObject *obj)
{
    Py_INCREF(obj);
    return obj;
}
#endif

/* A hash's type (3.2 named it; 2.7's tp_hash returns a long), and the
 * return of NotImplemented from a comparison (3.3). */
#ifdef BW_PY2
typedef long Py_hash_t;
#  define Py_RETURN_NOTIMPLEMENTED \
    return Py_INCREF(Py_NotImplemented), Py_NotImplemented
#endif

/* -- calls (PyObject_CallNoArgs and PyObject_CallOneArg: 3.9) -------------- */

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

/* callable(first, second), without a tuple where vectorcall exists (3.8;
 * public under this name from 3.9). */
static inline PyObject *
bw_call_two(PyObject *callable, PyObject *first, PyObject *second)
{
#if PY_VERSION_HEX >= 0x03090000
    PyObject *args[2];
    args[0] = first;
    args[1] = second;
    return PyObject_Vectorcall(callable, args, 2, NULL);
#else
    return PyObject_CallFunctionObjArgs(callable, first, second, NULL);
#endif
}

/* -- sets ---------------------------------------------------------------------- */

/* 2.7 tests a set's exact type with PyAnySet_CheckExact only. */
#ifndef PySet_CheckExact
#  define PySet_CheckExact(op) (Py_TYPE(op) == &PySet_Type)
#endif

/* -- dicts ------------------------------------------------------------------ */

/* len() of an exact dict (3.8 named the macro; the field is older). */
#ifndef PyDict_GET_SIZE
#  define PyDict_GET_SIZE(dict) (((PyDictObject *)(dict))->ma_used)
#endif

/* PyDict_GetItemRef (3.13): 1 and a new reference when found, 0 when
 * absent, -1 on error. Before it, a borrowed reference made strong; 2.7's
 * public PyDict_GetItem swallows errors, its _PyDict_GetItemWithError
 * (exported) does not. */
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

/* dict.pop(key) as PyDict_Pop (3.13) has it: 1 and the value, 0 when
 * absent (no error set), -1 on error. 3.6-3.12 export _PyDict_Pop, which
 * takes a default; 2.7 has neither, so there dict.pop itself is called,
 * with *unbound_pop* (dict.pop) and a default no dict can hold. */
static inline int
bw_dict_pop(PyObject *dict, PyObject *key, PyObject **result,
            PyObject *unbound_pop, PyObject *absent)
{
#if PY_VERSION_HEX >= 0x030D0000
    (void)unbound_pop;
    (void)absent;
    return PyDict_Pop(dict, key, result);
#else
    PyObject *value;
#  ifdef BW_PY2
    value = PyObject_CallFunctionObjArgs(unbound_pop, dict, key, absent,
                                         NULL);
#  else
    (void)unbound_pop;
    value = _PyDict_Pop(dict, key, absent);
#  endif
    if (value == NULL) {
        *result = NULL;
        return -1;
    }
    if (value == absent) {
        Py_DECREF(value);
        *result = NULL;
        return 0;
    }
    *result = value;
    return 1;
#endif
}

/* dict.setdefault(key, default) with a new reference to the result:
 * PyDict_SetDefaultRef (3.13; atomic on free-threaded builds), the
 * borrowing PyDict_SetDefault before it, dict.setdefault itself on 2.7. */
static inline PyObject *
bw_dict_setdefault(PyObject *dict, PyObject *key, PyObject *deflt,
                   PyObject *unbound_setdefault)
{
#if PY_VERSION_HEX >= 0x030D0000
    PyObject *result;
    (void)unbound_setdefault;
    if (PyDict_SetDefaultRef(dict, key, deflt, &result) < 0)
        return NULL;
    return result;
#elif defined(BW_PY2)
    return PyObject_CallFunctionObjArgs(unbound_setdefault, dict, key, deflt,
                                        NULL);
#else
    PyObject *result = PyDict_SetDefault(dict, key, deflt);
    (void)unbound_setdefault;
    return result == NULL ? NULL : Py_NewRef(result);
#endif
}

/* -- weak references ---------------------------------------------------------- */

/* PyWeakref_GetRef (3.13): 1 and a new reference to the referent, 0 when
 * it is dead, -1 when *ref* is no weak reference. PyWeakref_GetObject,
 * its borrowing predecessor, is gone in 3.15. */
#if PY_VERSION_HEX < 0x030D0000
static inline int
PyWeakref_GetRef(PyObject *ref, PyObject **result)
{
    PyObject *referent;
    if (!PyWeakref_Check(ref)) {
        *result = NULL;
        PyErr_SetString(PyExc_TypeError, "expected a weakref");
        return -1;
    }
    referent = PyWeakref_GET_OBJECT(ref);
    if (referent == Py_None) {
        *result = NULL;
        return 0;
    }
    *result = Py_NewRef(referent);
    return 1;
}
#endif

/* The referent of *ref*, known to be a weakref.ref or a subclass of it: as
 * PyWeakref_GetRef, without its type check (a subtype walk for KeyedRef).
 * With a GIL, the reference's own field, as PyWeakref_GET_OBJECT read it
 * (the field is the same from 2.7 to 3.15); without one, the locking
 * PyWeakref_GetRef. */
static inline int
bw_referent(PyObject *ref, PyObject **result)
{
#ifdef Py_GIL_DISABLED
    return PyWeakref_GetRef(ref, result);
#else
    PyObject *referent = ((PyWeakReference *)ref)->wr_object;
    /* Dead: cleared to None, or being destroyed (refcount 0). */
    if (referent == Py_None || Py_REFCNT(referent) <= 0) {
        *result = NULL;
        return 0;
    }
    *result = Py_NewRef(referent);
    return 1;
#endif
}

/* The callback of *ref*, borrowed, to compare by identity. Only while the
 * caller holds the referent: a ref loses its callback when it is cleared,
 * which a live referent's refs are not (the field is the same from 2.7 to
 * 3.15; no API reads it). */
static inline PyObject *
bw_ref_callback(PyObject *ref)
{
    return ((PyWeakReference *)ref)->wr_callback;
}

/* Whether objects of *type* hash and compare as object does (by identity,
 * in C): looking such an object up twice runs no Python code of its own.
 * Python 2 also compares through tp_compare (__cmp__). */
static inline int
bw_has_identity_eq_and_hash(PyTypeObject *type)
{
    return type->tp_hash == PyBaseObject_Type.tp_hash
        && type->tp_richcompare == PyBaseObject_Type.tp_richcompare
#ifdef BW_PY2
        && type->tp_compare == PyBaseObject_Type.tp_compare
#endif
        ;
}

/* Whether looking *key* up in a dict twice, where once would do, runs no
 * code of the key's own: exact str and int hash and compare in C, as do
 * objects that hash and compare as object does. */
static inline int
bw_key_is_plain(PyObject *key)
{
    return PyUnicode_CheckExact(key) || PyLong_CheckExact(key)
#ifdef BW_PY2
        || PyString_CheckExact(key) || PyInt_CheckExact(key)
#endif
        || bw_has_identity_eq_and_hash(Py_TYPE(key));
}

/* -- free-threaded builds ----------------------------------------------------- */

/* Critical sections (3.13) lock an object on free-threaded builds and are
 * no-ops with a GIL; before 3.13 there is always a GIL. */
#ifndef Py_BEGIN_CRITICAL_SECTION
#  define Py_BEGIN_CRITICAL_SECTION(op) {
#  define Py_END_CRITICAL_SECTION() }
#endif

/* -- methods: how arguments arrive ------------------------------------------ */

/* The methods take their common call shapes in C and hand every other
 * shape (keywords, too few or too many arguments) to the pure-Python twin's
 * method of the same name, which words the errors or does the job.
 * METH_FASTCALL | METH_KEYWORDS is public from 3.7 (3.6 has a private,
 * different one); 2.7 and 3.6 take a tuple and a dict.
 *
 * BW_METHOD(entry, implementation, lowest, highest, method) defines
 * *entry*, which calls implementation(self, args, nargs) for lowest..highest
 * positional arguments and no keywords, else the twin's method, found by
 * bw_delegate(self, method, args..., keywords), which _speedups.c defines;
 * method is the method's name, a string, looked up on the twin's class of
 * self's kind. BW_METHOD_FLAGS goes in the PyMethodDef. */
#if PY_VERSION_HEX >= 0x03070000
#  define BW_METHOD_FLAGS (METH_FASTCALL | METH_KEYWORDS)
#  define BW_METHOD(entry, implementation, lowest, highest, method)          \
    static PyObject *                                                         \
    entry(PyObject *self, PyObject *const *args, Py_ssize_t nargs,            \
          PyObject *kwnames)                                                  \
    {                                                                         \
        if ((kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0)                \
                || nargs < (lowest) || nargs > (highest))                     \
            return bw_delegate_fast(self, method, args, nargs, kwnames);      \
        return implementation(self, args, nargs);                             \
    }
#else
#  define BW_METHOD_FLAGS (METH_VARARGS | METH_KEYWORDS)
#  define BW_METHOD(entry, implementation, lowest, highest, method)          \
    static PyObject *                                                         \
    entry(PyObject *self, PyObject *args, PyObject *kwargs)                   \
    {                                                                         \
        Py_ssize_t nargs = PyTuple_GET_SIZE(args);                            \
        if ((kwargs != NULL && PyDict_Size(kwargs) > 0)                       \
                || nargs < (lowest) || nargs > (highest))                     \
            return bw_delegate_tuple(self, method, args, kwargs);             \
        return implementation(self, ((PyTupleObject *)args)->ob_item, nargs); \
    }
#endif

/* -- the module ----------------------------------------------------------------- */

/* 3.5+ initialise in phases (PEP 489), where 3.12+ read whether subinterpreters
 * may import the module and 3.13+ whether it needs the GIL; 2.7 has one
 * init function. BW_MODULE_INIT(exec) defines the init function from an
 * exec function, int exec(PyObject *module). */
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
     /* The C globals of _speedups.c hold one interpreter's objects. */
#    define BW_SLOT_INTERPRETERS                                              \
        {Py_mod_multiple_interpreters,                                        \
         Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED},
#  else
#    define BW_SLOT_INTERPRETERS
#  endif
#  if PY_VERSION_HEX >= 0x030D0000
     /* Safe without the GIL: every reference it reads is strong, and its
      * iterators lock themselves (see _speedups.c). */
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

#endif /* BACKPORTS_WEAKREF_SPEEDUPS_COMPAT_H */
