"""Run by bench_fer.py inside the fer venv: frames/s of fer's own video pipeline (Haar).

    python fer_side.py CLIP  ->  prints {"fps": ..., "frames": ...} as JSON on the last line
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import cv2  # noqa: E402
from fer.classes import Video  # noqa: E402
from fer.fer import FER  # noqa: E402

# fer polls the GUI (`cv2.waitKey`) every frame; the headless OpenCV of this venv has no GUI, so
# those two calls become no-ops (in a GUI build `waitKey(1)` waits about 1 ms).
cv2.waitKey = lambda *args: -1
cv2.destroyAllWindows = lambda: None


def main() -> None:
    clip = sys.argv[1]
    os.chdir(os.path.dirname(clip))  # fer writes data.csv into the working folder
    detector = FER(mtcnn=False)  # OpenCV's haarcascade_frontalface_default, scale 1.1, 5 neighbours
    Video(clip, outdir=os.path.dirname(clip)).analyze(  # warm-up: first TF call
        detector, display=False, save_frames=False, save_video=False, annotate_frames=False, max_results=3)
    video = Video(clip, outdir=os.path.dirname(clip))
    start = time.perf_counter()
    data = video.analyze(detector, display=False, save_frames=False, save_video=False,
                         annotate_frames=False)
    seconds = time.perf_counter() - start
    # `data` holds only the frames where a face was found: count every frame read instead.
    print(json.dumps({"fps": video.frameCount / seconds, "frames": video.frameCount,
                      "faces": sum(k.startswith("box") for d in data for k in d)}))


if __name__ == "__main__":
    main()
