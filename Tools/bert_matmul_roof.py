"""The roof under BERT-base's masked-LM forward: the float32 matrix products of its linear layers, at the shapes of a
1×16 and an 8×128 batch, through OpenBLAS's sgemm (the library Zoo's larger batches use, loaded here with ctypes)
and through PyTorch's linear (MKL), 2 threads each, in the same run; then each workload's FLOP count and the time
its linear layers take at each library's rates.

    Tools/.venv/bin/python Tools/bert_matmul_roof.py [--repeats 20]
"""
import argparse
import ctypes
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
import numpy as np  # noqa: E402  (after OPENBLAS_NUM_THREADS)
import torch  # noqa: E402

WIDTH, INNER, VOCAB, LAYERS = 768, 3072, 30522, 12
# (outputs, inputs, uses per forward): query, key, value and attention output; up; down; the MLM head's dense
# transform and its decoder onto the vocabulary.
LINEARS = [(WIDTH, WIDTH, 4 * LAYERS + 1), (INNER, WIDTH, LAYERS), (WIDTH, INNER, LAYERS), (VOCAB, WIDTH, 1)]
HEADS, HEAD_DIM = 12, 64


def attention_flops(batch, length):
    """q·kᵀ and p·v of every head of every layer."""
    return LAYERS * batch * HEADS * 2 * (2 * length * length * HEAD_DIM)


def best_of(repeats, function):
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    blas = ctypes.CDLL("libopenblas.so.0")
    blas.cblas_sgemm.argtypes = [ctypes.c_int] * 6 + [ctypes.c_float, ctypes.c_void_p, ctypes.c_int,
                                                      ctypes.c_void_p, ctypes.c_int, ctypes.c_float,
                                                      ctypes.c_void_p, ctypes.c_int]
    torch.set_num_threads(2)
    row_major, no_trans, trans = 101, 111, 112
    print("rows × outputs × inputs     FLOP      OpenBLAS sgemm       PyTorch linear")
    totals = {}
    for batch, length in [(1, 16), (8, 128)]:
        rows = batch * length
        blas_seconds = torch_seconds = flops = 0.0
        for outputs, inputs, uses in LINEARS:
            x = np.random.default_rng(0).standard_normal((rows, inputs), dtype=np.float32)
            w = np.random.default_rng(1).standard_normal((outputs, inputs), dtype=np.float32)
            out = np.zeros((rows, outputs), dtype=np.float32)
            repeats = max(2, args.repeats // (1 + rows * outputs * inputs // 500_000_000))
            b = best_of(repeats, lambda: blas.cblas_sgemm(
                row_major, no_trans, trans, rows, outputs, inputs, 1.0, x.ctypes.data, inputs, w.ctypes.data,
                inputs, 0.0, out.ctypes.data, outputs))
            tx, tw = torch.from_numpy(x), torch.from_numpy(w)
            with torch.no_grad():
                t = best_of(repeats, lambda: torch.nn.functional.linear(tx, tw))
            f = 2.0 * rows * outputs * inputs
            print(f"{rows:5} × {outputs:5} × {inputs:4}  {f / 1e9:6.2f} G  {b * 1e3:8.2f} ms {f / b / 1e9:6.1f} GFLOP/s"
                  f"  {t * 1e3:8.2f} ms {f / t / 1e9:6.1f} GFLOP/s")
            blas_seconds += uses * b
            torch_seconds += uses * t
            flops += uses * f
        totals[(batch, length)] = (flops, blas_seconds, torch_seconds)
    for (batch, length), (flops, blas_seconds, torch_seconds) in totals.items():
        attention = attention_flops(batch, length)
        print(f"forward {batch}×{length}: linear layers {flops / 1e9:.1f} GFLOP + attention {attention / 1e9:.2f} GFLOP;"
              f" the linear layers alone take {blas_seconds * 1e3:.0f} ms at OpenBLAS's rates,"
              f" {torch_seconds * 1e3:.0f} ms at PyTorch's")


if __name__ == "__main__":
    main()
