"""Every class of bad input a careless user makes, against every public function it applies to.

The table is built from one description of each public function of ceutils
(:data:`SPECS`: its array arguments and what kind each is, and its options).
Each class of bad input (:data:`CLASSES`) turns that description into cases:
a call, the argument at fault, and what must happen:

* ``"error"``: a ``ValueError`` or ``TypeError`` whose message names the
  argument and is at most :data:`MAX_MESSAGE` characters long;
* ``"value"``: where a right answer exists it is returned, without a warning,
  and a check (another library, mpmath or an exact formula) confirms it;
* ``"warning"``: the documented ``UserWarning`` (target rows that are not
  distributions are used as given, as PyTorch and TensorFlow use them).

Run as a script, ``python tests/test_bad_inputs.py`` makes every call of the
table with a time limit and counts the outcomes by class: clear error, right
answer, documented warning, unclear exception, silent wrong result, warning
only, or hang. That is the survey behind this table; its counts before and
after a change to ceutils say what the change fixed.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import signal
import warnings
from dataclasses import dataclass, field

import mpmath
import numpy as np
import pytest

import ceutils

MAX_MESSAGE = 300
"""The longest message that still reads as a message."""

ROWS, CLASSES_N = 2, 3


# --------------------------------------------------------------------------- the functions
def _good(kind: str):
    """A valid argument of ``kind``: ROWS rows of CLASSES_N classes where there is a class axis."""
    return {
        "logits": np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 0.0]]),
        "probs": np.array([[0.2, 0.5, 0.9], [0.0, 1.0, 0.3]]),
        "dist": np.array([[0.7, 0.2, 0.1], [0.0, 0.5, 0.5]]),
        "targets": np.array([[1.0, 0.0, 0.3], [0.0, 1.0, 1.0]]),
        "labels": np.array([2, 0]),
        "real": np.array([[1.0, 2.0, 0.0], [0.5, 3.0, 1.0]]),
        "f": lambda v: float(np.sum(v * v)),
        "loss": lambda v: float(np.sum(v * v)),
        "grad": lambda v: 2 * v,
    }[kind]


CALLABLE_KINDS = ("f", "loss", "grad")


@dataclass(frozen=True)
class Spec:
    """A public function: its array arguments in order (name: kind) and its options."""

    name: str
    arrays: dict
    options: tuple = ()
    rows: bool = False  # has a class (outcome) axis
    weight: str | None = None  # "element" (broadcasts to the loss) or "class" (one per class)
    warns: tuple = ()  # array arguments whose rows are only warned about when not distributions
    module: str = ""  # a submodule of ceutils that holds the function, if not ceutils itself

    @property
    def fn(self):
        home = importlib.import_module(f"ceutils.{self.module}") if self.module else ceutils
        return getattr(home, self.name, None)

    @property
    def reduces(self) -> bool:
        return "reduction" in self.options

    def args(self, **changed) -> tuple[tuple, dict]:
        """Positional arrays and keyword options of a valid call, with ``changed`` replaced."""
        pos = tuple(changed.pop(a) if a in changed else _good(k) for a, k in self.arrays.items())
        return pos, changed


LOSS_OPTIONS = ("label_smoothing", "reduction")
SPECS = [
    Spec("information", {"p": "probs"}, ("base",)),
    Spec("entropy", {"p": "dist"}, ("axis", "base"), rows=True),
    Spec("kl_divergence", {"p": "dist", "q": "dist"}, ("axis", "base"), rows=True),
    Spec("cross_entropy", {"p": "dist", "q": "dist"}, ("axis", "base"), rows=True),
    Spec("xlogy", {"x": "real", "y": "real"}),
    Spec("two_outcomes", {"p": "probs"}),
    Spec("sigmoid", {"x": "logits"}),
    Spec("log_sigmoid", {"x": "logits"}),
    Spec("softmax", {"x": "logits"}, ("axis",), rows=True),
    Spec("log_softmax", {"x": "logits"}, ("axis",), rows=True),
    Spec("logsumexp", {"x": "logits"}, ("axis",), rows=True),
    Spec("binary_cross_entropy", {"probs": "probs", "targets": "targets"},
         ("clip", *LOSS_OPTIONS), weight="element"),
    *(Spec(f"binary_cross_entropy_with_logits{s}", {"logits": "logits", "targets": "targets"},
           LOSS_OPTIONS, weight="element") for s in ("", "_grad", "_and_grad")),
    Spec("categorical_cross_entropy", {"probs": "dist", "targets": "dist"},
         ("axis", "normalize", "clip", *LOSS_OPTIONS), rows=True, warns=("probs", "targets")),
    *(Spec(f"softmax_cross_entropy{s}", {"logits": "logits", "targets": "dist"},
           ("axis", *LOSS_OPTIONS), rows=True, warns=("targets",))
      for s in ("", "_grad", "_and_grad")),
    *(Spec(f"sparse_softmax_cross_entropy{s}", {"logits": "logits", "labels": "labels"},
           ("axis", "ignore_index", *LOSS_OPTIONS), rows=True, weight="class")
      for s in ("", "_grad", "_and_grad")),
    *(Spec(f"sigmoid_squared_error{s}", {"logits": "logits", "targets": "targets"},
           ("reduction",)) for s in ("", "_grad")),
    Spec("numerical_gradient", {"f": "f", "x": "real"}, ("h",)),
    Spec("fit_linear", {"features": "real", "loss": "loss", "grad": "grad"},
         ("n_outputs", "gtol", "max_iter"), module="fitting"),
]
FUNCTIONS = {s.name: s for s in SPECS}


# --------------------------------------------------------------------------- cases
@dataclass
class Case:
    cls: str  # the class of bad input
    spec: Spec
    arg: str  # the argument at fault, which an error must name
    changed: dict = field(default_factory=dict)
    expect: str = "error"  # "error", "value" or "warning"
    check: object = None  # for "value": check(result) raises AssertionError if wrong
    seconds: float = 10.0

    @property
    def id(self) -> str:
        return f"{self.spec.name}-{self.arg}"

    def call(self):
        pos, kw = self.spec.args(**dict(self.changed))
        return self.spec.fn(*pos, **kw)


def _array_args(spec: Spec, kinds=None):
    return [a for a, k in spec.arrays.items()
            if k not in CALLABLE_KINDS and (kinds is None or k in kinds)]


def _torch_like(spec: Spec) -> list[Case]:
    import torch

    cases = []
    for a in _array_args(spec):
        good = _good(spec.arrays[a])
        t = torch.tensor(good) if good.dtype.kind == "i" else torch.tensor(good,
                                                                           requires_grad=True)

        def check(result, spec=spec):
            np.testing.assert_equal(result, spec.fn(*spec.args()[0]))

        cases.append(Case("a torch tensor (requires_grad=True)", spec, a, {a: t}, "value", check))
    return cases


def _each_array(value_of):
    """A class that replaces each array argument by ``value_of(good)``, expecting an error."""
    def make(spec: Spec) -> list[Case]:
        return [Case("", spec, a, {a: value_of(_good(spec.arrays[a]))})
                for a in _array_args(spec)]
    return make


def _masked(good: np.ndarray):
    mask = np.zeros(good.shape, bool)
    mask.flat[0] = True
    return np.ma.masked_array(good, mask)


RAGGED = [[1.0] * 10**6, [1.0]]


def _class_axis_empty(spec: Spec) -> list[Case]:
    if not spec.rows:
        return []
    first = next(iter(spec.arrays))
    changed = {a: np.zeros((ROWS, 0)) for a, k in spec.arrays.items() if k != "labels"}
    return [Case("", spec, first, changed)]


def _option(name: str, values, error=TypeError):
    def make(spec: Spec) -> list[Case]:
        if name not in spec.options:
            return []
        return [Case("", spec, name, {name: v}) for v in values]
    return make


def _empty_batch(spec: Spec) -> list[Case]:
    """No rows at all: "mean" is refused (0/0); "none" and "sum" give torch's empty result and 0."""
    if spec.name == "numerical_gradient":
        def check(r):
            assert r.shape == (0,)
        return [Case("", spec, "x", {"x": np.zeros(0)}, "value", check)]
    if spec.name == "fit_linear":  # no samples: nothing to fit
        return [Case("", spec, "features", {"features": np.zeros((0, CLASSES_N))})]
    empty = {a: (np.zeros(0, int) if k == "labels" else np.zeros((0, CLASSES_N)))
             for a, k in spec.arrays.items()}
    first = next(iter(spec.arrays))
    if not spec.reduces:
        def check(r, spec=spec):
            rows = np.asarray(r)
            assert rows.shape[0] == 0 if rows.ndim else False
        return [Case("", spec, first, empty, "value", check)]
    cases = [Case("", spec, first, empty)]  # "mean"

    def check_sum(r, spec=spec):
        loss = r[0] if spec.name.endswith("_and_grad") else r
        grad = r[1] if spec.name.endswith("_and_grad") else r if spec.name.endswith(
            "_grad") else None
        if not spec.name.endswith("_grad"):
            assert float(loss) == 0.0
        if grad is not None:
            assert grad.shape == (0, CLASSES_N)
    cases.append(Case("", spec, first, {**empty, "reduction": "sum"}, "value", check_sum))
    return cases


def _weight_column(spec: Spec) -> list[Case]:
    if spec.weight != "element":
        return []
    n = 100_000
    base = {a: np.full(n, 0.5) for a in spec.arrays}
    return [Case("", spec, name, {**base, name: np.ones((n, 1))})
            for name in ("weight", "pos_weight") if name != "pos_weight" or "logits" in spec.arrays]


def _weight_enlarging(spec: Spec) -> list[Case]:
    if spec.weight != "element":
        return []
    base = {a: np.full(3, 0.5) for a in spec.arrays}
    return [Case("", spec, name, {**base, name: np.ones((3, 1))})
            for name in ("weight", "pos_weight") if name != "pos_weight" or "logits" in spec.arrays]


def _xlogy_nan(spec: Spec) -> list[Case]:
    if spec.name != "xlogy":
        return []

    def check(r):
        assert np.isnan(r)
    return [Case("", spec, "y", {"x": 0.0, "y": np.nan}, "value", check),
            Case("", spec, "y", {"x": np.zeros(3), "y": np.array([np.nan, 0.0, np.inf])},
                 "value", lambda r: np.testing.assert_equal(r, [np.nan, 0.0, 0.0]))]


def _float16_sum(spec: Spec) -> list[Case]:
    rows_11 = np.array([[0.6, 0.5, 0.0], [0.5, 0.5, 0.1]], np.float16)
    out = []
    for a, k in spec.arrays.items():
        if k != "dist":
            continue
        if a in spec.warns:
            out.append(Case("", spec, a, {a: rows_11}, "warning"))
        else:
            out.append(Case("", spec, a, {a: rows_11}))
    return out


def _float32_tolerance(spec: Spec) -> list[Case]:
    """float32 rows off by 1e-3 (once inside the tolerance), and by 1e-6 (inside it now)."""
    if spec.name not in ("kl_divergence", "cross_entropy"):
        return []
    p = np.array([0.5, 0.5])
    q_far = np.array([0.5005, 0.5005], np.float32)
    q_near = (p * (1 + 1e-6)).astype(np.float32)  # sums to 1 + 1e-6, within 16 eps of float32
    if spec.name == "kl_divergence":
        def check(r):
            assert float(r) >= 0.0
    else:
        def check(r):
            assert float(r) >= float(ceutils.entropy(p))
    return [Case("", spec, "q", {"p": p, "q": q_far}),
            Case("", spec, "q", {"p": p, "q": q_near}, "value", check)]


def _one_outcome(spec: Spec) -> list[Case]:
    if spec.name not in ("kl_divergence", "cross_entropy"):
        return []
    return [Case("", spec, "q", {"p": np.array([[0.7, 0.2, 0.1]]), "q": np.array([[1.0]])}),
            Case("", spec, "p", {"p": np.array([[1.0]]), "q": np.array([[0.7, 0.2, 0.1]])}),
            Case("", spec, "q", {"p": np.array([0.7, 0.2, 0.1]), "q": np.ones((3, 1)) / 3})]


def _uint64_wrap(spec: Spec) -> list[Case]:
    if "labels" not in spec.arrays:
        return []
    return [Case("", spec, "labels", {"labels": np.array([2**64 - 100, 0], np.uint64)})]


# --------------------------------------------------------------------------- extremes
LIMITS = {"float64": 1e308, "float32": 2e38, "float16": 40000.0}


def _extreme_logits(dtype: str) -> np.ndarray:
    L = LIMITS[dtype]
    return np.array([[L, -L, 0.0], [L, 0.0, 0.0], [-L, L, -L]], dtype)


EXTREME_LABELS = np.array([0, 2, 0])  # losses 0, L and 2L (which overflows: inf is exact)
EXTREME_Z = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5], [1.0, 1.0, 0.0]])


def _mp(v) -> mpmath.mpf:
    return mpmath.mpf(float(v))


def _exact_rows(x: np.ndarray):
    """Per row: logsumexp, log_softmax and softmax, in mpmath."""
    out = []
    for row in x:
        xs = [_mp(v) for v in row]
        m = max(xs)
        lse = m + mpmath.log(mpmath.fsum(mpmath.exp(v - m) for v in xs))
        out.append((lse, [v - lse for v in xs], [mpmath.exp(v - lse) for v in xs]))
    return out


def _softplus(v):
    return mpmath.log1p(mpmath.exp(v)) if v < 0 else v + mpmath.log1p(mpmath.exp(-v))


def _sig(v):
    return 1 / (1 + mpmath.exp(-v))


def assert_exact(got, exact, dtype: str, ulps: int = 4) -> None:
    """``got`` is the mpf ``exact`` rounded to ``dtype``, within ``ulps`` units, or overflowed."""
    got = np.asarray(got)
    assert got.dtype == dtype, (got.dtype, dtype)
    big = float(np.finfo(dtype).max)
    for g, e in zip(got.reshape(-1), np.asarray(exact, dtype=object).reshape(-1), strict=True):
        g = float(g)
        if abs(e) > big:
            assert g == (np.inf if e > 0 else -np.inf), (g, e)
            continue
        want = np.asarray(float(e)).astype(dtype)  # rounds to the dtype (float16 via float64)
        assert np.isfinite(g), (g, e)
        assert abs(g - float(want)) <= ulps * float(np.spacing(np.abs(want))), (g, float(want))


def _extremes(spec: Spec) -> list[Case]:
    """Logits at the limits of each dtype: the exact answer, no nan, no warning."""
    name = spec.name
    if "logits" not in spec.arrays and name not in ("sigmoid", "log_sigmoid", "softmax",
                                                     "log_softmax", "logsumexp"):
        return []
    cases = []
    for dtype in LIMITS:
        x = _extreme_logits(dtype)
        rows = _exact_rows(x)
        onehot = np.eye(3)[EXTREME_LABELS]
        sparse_loss = [rows[i][0] - _mp(x[i, k]) for i, k in enumerate(EXTREME_LABELS)]
        softmax_grad = [[s - (1 if c == k else 0) for c, s in enumerate(rows[i][2])]
                        for i, k in enumerate(EXTREME_LABELS)]
        z = EXTREME_Z
        pairs = [list(zip(xr, zr, strict=True)) for xr, zr in zip(x, z, strict=True)]
        sig_loss = [[_mp(zz) * _softplus(-_mp(v)) + (1 - _mp(zz)) * _softplus(_mp(v))
                     for v, zz in r] for r in pairs]
        sig_grad = [[_sig(_mp(v)) - _mp(zz) for v, zz in r] for r in pairs]
        sse = [[(_sig(_mp(v)) - _mp(zz)) ** 2 / 2 for v, zz in r] for r in pairs]
        sse_grad = [[(_sig(_mp(v)) - _mp(zz)) * _sig(_mp(v)) * _sig(-_mp(v)) for v, zz in r]
                    for r in pairs]
        sparse = {"logits": x, "labels": EXTREME_LABELS, "reduction": "none"}
        dense = {"logits": x, "targets": onehot, "reduction": "none"}
        binary = {"logits": x, "targets": z, "reduction": "none"}
        wanted = {  # reduction="none": the gradient of each loss by its own logits
            "sigmoid": ({"x": x}, [[_sig(_mp(v)) for v in r] for r in x]),
            "log_sigmoid": ({"x": x}, [[-_softplus(-_mp(v)) for v in r] for r in x]),
            "logsumexp": ({"x": x}, [r[0] for r in rows]),
            "log_softmax": ({"x": x}, [r[1] for r in rows]),
            "softmax": ({"x": x}, [r[2] for r in rows]),
            "sparse_softmax_cross_entropy": (sparse, sparse_loss),
            "sparse_softmax_cross_entropy_grad": (sparse, softmax_grad),
            "sparse_softmax_cross_entropy_and_grad": (sparse, (sparse_loss, softmax_grad)),
            "softmax_cross_entropy": (dense, sparse_loss),
            "softmax_cross_entropy_grad": (dense, softmax_grad),
            "softmax_cross_entropy_and_grad": (dense, (sparse_loss, softmax_grad)),
            "binary_cross_entropy_with_logits": (binary, sig_loss),
            "binary_cross_entropy_with_logits_grad": (binary, sig_grad),
            "binary_cross_entropy_with_logits_and_grad": (binary, (sig_loss, sig_grad)),
            "sigmoid_squared_error": (binary, sse),
            "sigmoid_squared_error_grad": (binary, sse_grad),
        }
        if name not in wanted:
            continue
        kw, exact = wanted[name]

        fused = name.endswith("_and_grad")

        def check(r, exact=exact, dtype=dtype, fused=fused):
            if fused:
                assert_exact(r[0], exact[0], dtype)
                assert_exact(r[1], exact[1], dtype)
            else:
                assert_exact(r, exact, dtype)
        arg = "x" if "x" in spec.arrays else "logits"
        cases.append(Case("", spec, arg, kw, "value", check))
    return cases


def _slow_gradient(spec: Spec) -> list[Case]:
    if spec.name != "numerical_gradient":
        return []

    def check(r):
        assert not r.any()
    return [Case("", spec, "x", {"f": lambda v: 0.0, "x": np.zeros(200_000)}, "value", check,
                 seconds=10.0)]


# The classes of the survey, in the order the issue lists them: unclear exceptions, silent
# wrong results, warnings only or wrong at the extremes, hangs; then the classic ones.
CLASSES = {
    "a torch tensor (requires_grad=True)": _torch_like,
    "None where an array belongs": _each_array(lambda g: None),
    "a class axis of length 0": _class_axis_empty,
    "an option given as an array": lambda s: (
        _option("reduction", [np.array(["mean", "sum"])])(s)
        + _option("normalize", [np.array([True, False])])(s)),
    "axis not an int": _option("axis", [1.5, None, (0, 1), "1"]),
    "an empty batch (no rows)": _empty_batch,
    "ignore_index a list": _option("ignore_index", [[2, 0]]),
    "a ragged list of a million numbers": _each_array(lambda g: RAGGED),
    "a per-sample weight column (100000, 1)": _weight_column,
    "xlogy(0, nan)": _xlogy_nan,
    "a timedelta or datetime array": lambda s: (
        _each_array(lambda g: np.ones(g.shape, "m8[s]"))(s)
        + _each_array(lambda g: np.ones(g.shape, "M8[D]"))(s)),
    "a complex, object or string array": lambda s: (
        _each_array(lambda g: g.astype(complex))(s)
        + _each_array(lambda g: g.astype(object))(s)
        + _each_array(lambda g: g.astype(str))(s)),
    "a masked array with a masked entry": _each_array(_masked),
    "float16 rows summing to 1.1": _float16_sum,
    "float32 rows near a sum of 1 (negative KL, H(p, q) < H(p))": _float32_tolerance,
    "a one-outcome distribution against C outcomes": _one_outcome,
    "an option of the wrong type": lambda s: (
        _option("label_smoothing", ["0.1", np.True_, True])(s)
        + _option("axis", [True])(s)
        + _option("base", ["2", True])(s)
        + _option("normalize", ["False", 1])(s)
        + _option("reduction", [None, 1])(s)
        + _option("n_outputs", [1.5, True, "2"])(s)
        + _option("gtol", ["1e-8", True])(s)
        + _option("max_iter", [10.5, np.True_])(s)),
    "a weight or pos_weight that enlarges the loss": _weight_enlarging,
    "ignore_index not an int": _option("ignore_index", ["x", 1.5, True]),
    "a uint64 label that would wrap onto ignore_index": _uint64_wrap,
    "logits at the limits of the dtype": _extremes,
    "numerical_gradient of 200,000 coordinates": _slow_gradient,
    "a NaN or infinite entry": lambda s: [] if s.name == "xlogy" else (
        _each_array(lambda g: np.where(g == g.flat[0], np.nan, g))(s)
        + _each_array(lambda g: np.full(g.shape, np.inf))(s)),
}


def all_cases() -> list[Case]:
    cases = []
    for cls, make in CLASSES.items():
        for spec in SPECS:
            for case in make(spec):
                case.cls = cls
                cases.append(case)
    return cases


CASES = all_cases()


def names_argument(message: str, arg: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(arg)}(?!\w)", message) is not None


# --------------------------------------------------------------------------- the test
@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise ``TimeoutError`` in the calling (main) thread after ``seconds``."""
    def alarm(*_):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.cls}-{c.id}" for c in CASES])
def test_bad_input(case: Case):
    if case.expect == "error":
        with pytest.raises((ValueError, TypeError)) as err:
            case.call()
        message = str(err.value)
        assert names_argument(message, case.arg), message
        assert len(message) <= MAX_MESSAGE, len(message)
    elif case.expect == "warning":
        with pytest.warns(UserWarning, match=rf"{case.arg} rows are not probability"):
            case.call()
    else:
        with warnings.catch_warnings(), time_limit(case.seconds):
            warnings.simplefilter("error")
            result = case.call()
        case.check(result)


def test_every_public_function_is_in_the_table():
    import ceutils.fitting

    math = {n for n in ceutils.__all__ if callable(getattr(ceutils, n)) and n != "versions"}
    assert math | set(ceutils.fitting.__all__) == set(FUNCTIONS)


def test_every_class_applies_somewhere():
    assert {c.cls for c in CASES} == set(CLASSES)


# --------------------------------------------------------------------------- the survey
OUTCOMES = ("clear error", "right answer", "documented warning", "unclear exception",
            "silent wrong result", "warning only", "hang")


def outcome(case: Case) -> str:
    """What the call did, in the words of :data:`OUTCOMES`."""
    if case.spec.fn is None:
        return "absent"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with time_limit(case.seconds):
                result = case.call()
        except TimeoutError:
            return "hang"
        except (ValueError, TypeError) as exc:
            if case.expect != "error":
                return "unclear exception"
            msg = str(exc)
            clear = names_argument(msg, case.arg) and len(msg) <= MAX_MESSAGE
            return "clear error" if clear else "unclear exception"
        except Exception:  # any other exception is unclear by definition
            return "unclear exception"
    warned = bool(caught)
    if case.expect == "warning":
        return "documented warning" if warned else "silent wrong result"
    if case.expect == "error":
        return "warning only" if warned else "silent wrong result"
    try:
        case.check(result)
    except Exception:  # a failed check: the value is wrong
        return "warning only" if warned else "silent wrong result"
    return "warning only" if warned else "right answer"


def survey() -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for case in all_cases():
        got = outcome(case)
        row = counts.setdefault(case.cls, {})
        row[got] = row.get(got, 0) + 1
    return counts


if __name__ == "__main__":
    table = survey()
    shown = [o for o in (*OUTCOMES, "absent") if any(o in r for r in table.values())]
    print(f"{'class':62}" + "".join(f"{o[:12]:>13}" for o in shown))
    totals = dict.fromkeys(shown, 0)
    for cls, row in table.items():
        print(f"{cls[:62]:62}" + "".join(f"{row.get(o, 0):>13}" for o in shown))
        for o in shown:
            totals[o] += row.get(o, 0)
    print(f"{'total':62}" + "".join(f"{totals[o]:>13}" for o in shown))
