"""Time Argon2id key derivation with the default parameters (target < 3 s; not a test).

This is the cost of every unseal with a passphrase. Prints the parameters and the
time of each of ``VIGIL_BENCH_KDF_RUNS`` runs (default 3); the first run is the one
an unseal pays, since it also faults in the 1 GiB of fresh memory.
"""

import os
import time

from vigil.vault.wrapping import default_kdf_params, derive_kek


def main() -> None:
    runs = int(os.environ.get("VIGIL_BENCH_KDF_RUNS", "3"))
    params = default_kdf_params()
    print(
        f"Argon2id m={params.memory_kib // 1024} MiB, t={params.iterations}, "
        f"p={params.parallelism}, {os.cpu_count()} CPUs"
    )
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        derive_kek("correct horse battery staple", params)
        timings.append(time.perf_counter() - start)
    print("seconds per derivation: " + ", ".join(f"{t:.2f}" for t in timings))
    print(f"worst: {max(timings):.2f} s (target < 3 s)")


if __name__ == "__main__":
    main()
