"""What validating and storing a large e-learning package costs: time and memory.

Builds a SCORM 1.2 package of about 50 MB on disk (``--files`` files of random,
incompressible bytes, so that it really is 50 MB unpacked and packed, plus its
manifest and launch page), then stores it with ``store_package`` into a fresh
local media folder, as the admin's upload does with the file Django wrote to a
temporary file: hashed, validated (every member unpacked and counted), written
member by member, its row made. The temporary folder is removed afterwards.
Each measured run stores a package not stored
before (another seed), so that none is reused.

- ``store_s``: ``store_package`` of a new package (hash, validate, write);
- ``form_s``: what the admin's form does, ``inspect_package`` in its validation
  and then ``store_package``;
- ``reupload_s``: the same file again, reused by its hash (nothing written);
- ``peak_mb``: the peak of Python's allocations during a store (tracemalloc,
  measured in a run of its own, as it slows the code it traces);
- ``rss_delta_mb``: how far the process's peak resident memory rose during the
  stores (``ru_maxrss``), which also counts what C code (zlib) holds.

Target: a 50 MB package in at most 5 s and 100 MB.

    .venv/bin/python bench/package_store.py [--megabytes 50] [--files 400]

Last line: store_s=… form_s=… reupload_s=… peak_mb=… rss_delta_mb=… size_mb=…
files=…
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo_db import setup_empty_database  # noqa: E402

MB = 1024 * 1024


def build_package(path: Path, megabytes: int, files: int, seed: int) -> None:
    """A SCORM 1.2 package of ``files`` random files totalling ``megabytes``."""
    from tests.activities.package_builders import scorm12_files

    rng = random.Random(seed)
    each = megabytes * MB // files
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in scorm12_files(title=f"Bench {seed}").items():
            archive.writestr(name, data)
        for n in range(files):
            archive.writestr(f"media/part{n // 100}/clip{n}.mp4", rng.randbytes(each))


def rss_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--files", type=int, default=400)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-packages-"))
    setup_empty_database(workdir)
    from django.core.files import File

    from courses.activities.packages import inspect_package, store_package

    paths = [workdir / f"package{seed}.zip" for seed in range(3)]
    for seed, path in enumerate(paths):
        build_package(path, args.megabytes, args.files, seed)
    size_mb = paths[0].stat().st_size / MB

    def store(path: Path, inspect_first: bool = False):
        with path.open("rb") as handle:
            upload = File(handle, name=path.name)
            if inspect_first:
                inspect_package(upload)
            return store_package(upload)

    rss_before = rss_mb()
    store_s = timed(lambda: store(paths[0]))
    form_s = timed(lambda: store(paths[1], inspect_first=True))
    reupload_s = timed(lambda: store(paths[0]))
    rss_delta = rss_mb() - rss_before

    tracemalloc.start()
    package, created = store(paths[2])
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert created and package.file_count == args.files + 2

    shutil.rmtree(workdir)
    print(f"package: {size_mb:.1f} MB, {package.file_count} files")
    print(
        f"store_s={store_s:.2f} form_s={form_s:.2f} reupload_s={reupload_s:.2f} "
        f"peak_mb={peak / MB:.1f} rss_delta_mb={rss_delta:.1f} "
        f"size_mb={size_mb:.1f} files={package.file_count}"
    )


if __name__ == "__main__":
    main()
