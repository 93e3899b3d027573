"""Writers of minimal, faithful raw-dataset fixtures (spec datasets.md, one section each).

Each writer creates the dataset's published on-disk layout under a folder and returns what a
correct adapter must produce: {sample_id: labels} for the good records and the set of keys or
reasons expected in quarantine.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import cv2
import numpy as np
import scipy.io

FER_HEADER = "emotion,pixels,Usage\n"


def image_bytes(width: int = 64, height: int = 64, channels: int = 3, ext: str = ".jpg", seed: int = 0) -> bytes:
    """A real encoded image with some structure (so JPEG sizes and pixel stats vary)."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 255, size=(8, 8, channels), dtype=np.uint8)
    image = cv2.resize(base, (width, height), interpolation=cv2.INTER_LINEAR).reshape(height, width, channels)
    ok, buf = cv2.imencode(ext, image)
    assert ok
    return buf.tobytes()


def write_image(path: Path, width: int = 64, height: int = 64, channels: int = 3, seed: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(image_bytes(width, height, channels, path.suffix.lower().replace(".jpeg", ".jpg"), seed))
    return path


def pixels(seed: int = 0, count: int = 2304, high: int = 256) -> str:
    return " ".join(str(v) for v in np.random.default_rng(seed).integers(0, high, size=count))


def write_fer2013_csv(root: Path, rows: list[tuple[int | str, str, str]] | None = None) -> dict:
    """fer2013.csv: two Training rows (0 and 6), one PublicTest, one PrivateTest (section 1)."""
    rows = rows or [(0, pixels(0), "Training"), (6, pixels(1), "Training"), (3, pixels(2), "PublicTest"),
                    (5, pixels(3), "PrivateTest")]
    root.mkdir(parents=True, exist_ok=True)
    text = FER_HEADER + "".join(f'{e},"{p}",{u}\n' if i % 2 else f"{e},{p},{u}\n" for i, (e, p, u) in enumerate(rows))
    (root / "fer2013.csv").write_bytes(text.encode())
    splits = {"Training": "train", "PublicTest": "val", "PrivateTest": "test"}
    return {f"fer2013/{i:05d}": ({"emotion": int(e)}, splits[u]) for i, (e, _, u) in enumerate(rows)}


def write_icml_csv(root: Path) -> dict:
    """icml_face_data.csv: header `emotion, Usage, pixels` with spaces (section 1)."""
    root.mkdir(parents=True, exist_ok=True)
    text = "emotion, Usage, pixels\n" + f"2,Training,{pixels(5)}\n" + f"4,PublicTest,{pixels(6)}\n"
    (root / "icml_face_data.csv").write_bytes(text.encode())
    return {"fer2013/00000": ({"emotion": 2}, "train"), "fer2013/00001": ({"emotion": 4}, "val")}


def write_imagefolder(root: Path) -> dict:
    """train/angry, train/neutral, test/surprise (section 1 folder variant, lowercase names)."""
    expected = {}
    for i, (split, cls, label) in enumerate([("train", "angry", 0), ("train", "neutral", 6), ("test", "surprise", 5)]):
        write_image(root / split / cls / f"x{i}.jpg", 48, 48, 1, seed=i)
        expected[f"imagefolder/{split}/{cls}/x{i}.jpg"] = ({"emotion": label}, split)
    return expected


def write_csvlist(root: Path) -> dict:
    """labels.csv with a path, emotion (index or name) and a box."""
    write_image(root / "img" / "a.png", 80, 80, 3, seed=1)
    write_image(root / "img" / "b.jpg", 64, 64, 3, seed=2)
    (root / "labels.csv").write_text("path,emotion,split,x,y,w,h\nimg/a.png,happy,train,10,10,50,50\n"
                                     "img/b.jpg,2,,,,,\n")
    return {"csv/img/a.png#10,10,50,50": ({"emotion": 3}, "train"), "csv/img/b.jpg": ({"emotion": 2}, None)}


def write_fer2013_folders(root: Path) -> dict:
    """The original code's layout: {Training,PublicTest,PrivateTest}/<0..6>/*.jpg (spec 2.2)."""
    expected = {}
    for i, (split, folder, name) in enumerate([("Training", "0", "train"), ("Training", "6", "train"),
                                               ("PublicTest", "3", "val"), ("PrivateTest", "5", "test")]):
        write_image(root / split / folder / f"{i}.jpg", 48, 48, 1, seed=i)
        expected[f"fer2013/{split}/{folder}/{i}.jpg"] = ({"emotion": int(folder)}, name)
    return expected


FERPLUS_HEADER = "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\n"
FERPLUS_ROWS = [  # datasets.md section 2 minimal fixture, plus a row whose votes sum to 9
    "Training,fer0000000.png,4,0,0,1,3,2,0,0,0,0",  # single vote dropped; 4/9 -> unknown -> dropped
    "Training,fer0000001.png,0,10,0,0,0,0,0,0,0,0",  # happiness
    "Training,,0,0,0,0,0,0,0,0,0,10",  # empty name: not a face
    "Training,fer0000002.png,8,0,2,0,0,0,0,0,0,0",  # neutral; name != row index
    "PrivateTest,fer0000002.png,1,0,0,0,0,0,0,8,0,0",  # duplicate name; contempt wins
    "Training,fer0000003.png,0,0,0,0,0,0,9,0,0,0",  # sums to 9; fear
]


def write_ferplus(root: Path) -> tuple[dict, dict]:
    usages = [row.split(",")[0] for row in FERPLUS_ROWS]
    write_fer2013_csv(root, [(0, pixels(i), u) for i, u in enumerate(usages)])
    (root / "fer2013new.csv").write_bytes((FERPLUS_HEADER + "\n".join(FERPLUS_ROWS) + "\n").encode())
    good = {"ferplus/00001": ({"emotion": 3}, "train"), "ferplus/00003": ({"emotion": 6}, "train"),
            "ferplus/00005": ({"emotion": 2}, "train")}
    return good, {"no_majority": 1, "not_a_face": 1, "contempt_dropped": 1}


EXPW_LINES = [
    "a.jpg 0 28 113 226 141 22.9362 0",
    "a.jpg 1 150 20 120 250 50.0 3",
    "b.jpg 0 10 10 200 200 97.5 6",
    "a.jpg 0 28 113 226 141 22.9362 0",  # exact duplicate line
]


def write_expw(root: Path) -> tuple[dict, dict]:
    (root / "label").mkdir(parents=True, exist_ok=True)
    (root / "label" / "label.lst").write_bytes(("\n".join(EXPW_LINES) + "\n").encode())
    write_image(root / "image" / "origin" / "a.jpg", 300, 300, seed=1)
    write_image(root / "image" / "origin" / "b.jpg", 300, 300, seed=2)
    good = {"expw/a_0": ({"emotion": 0}, None), "expw/a_1": ({"emotion": 3}, None), "expw/b_0": ({"emotion": 6}, None)}
    return good, {"duplicate_id": 1}


def write_sfew(root: Path) -> dict:
    files = [("Train/Train_Aligned_Faces/Angry/M_000000001_00000001.png", 0, "train"),
             ("Train/Train_Aligned_Faces/Surprise/M_000000002_00000003.png", 5, "train"),
             ("Val/Val_Aligned_Faces/Neutral/N_000000005_00000010.png", 6, "val")]
    for i, (rel, _, _) in enumerate(files):
        write_image(root / rel, 143, 181, seed=i)
    write_image(root / "Test/Test_Aligned_Faces/T_000000009_00000001.png", 143, 181, seed=9)
    return {f"sfew/{rel}": ({"emotion": label}, split) for rel, label, split in files}


AFLW_SCHEMA = """
CREATE TABLE Databases (db_id INTEGER, path TEXT, description TEXT);
CREATE TABLE FaceImages (image_id INTEGER, db_id INTEGER, file_id TEXT, filepath TEXT, bw INTEGER,
                         width INTEGER, height INTEGER);
CREATE TABLE Faces (face_id INTEGER, file_id TEXT, db_id INTEGER);
CREATE TABLE FaceRect (face_id INTEGER, x INTEGER, y INTEGER, w INTEGER, h INTEGER, annot_type_id INTEGER);
CREATE TABLE FaceEllipse (face_id INTEGER, x REAL, y REAL, ra REAL, rb REAL, theta REAL,
                          annot_type_id INTEGER, upsidedown INTEGER);
CREATE TABLE FacePose (face_id INTEGER, roll REAL, pitch REAL, yaw REAL, annot_type_id INTEGER);
CREATE TABLE FaceMetaData (face_id INTEGER, sex TEXT, occluded INTEGER, glasses INTEGER, bw INTEGER,
                           annot_type_id INTEGER);
CREATE TABLE FeatureCoords (face_id INTEGER, feature_id INTEGER, x REAL, y REAL);
CREATE TABLE FeatureCoordTypes (feature_id INTEGER, descr TEXT, code TEXT, x REAL, y REAL, z REAL);
"""


def write_aflw(root: Path) -> dict:
    """aflw.sqlite with AFLW's tables: 2 images, 3 faces, one box with negative x (section 5)."""

    root.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(root / "aflw.sqlite")
    con.executescript(AFLW_SCHEMA)
    con.executemany("INSERT INTO FaceImages VALUES (?,1,?,?,0,100,100)",
                    [(1, "image00002.jpg", "0/image00002.jpg"), (2, "image04000.jpg", "3/image04000.jpg")])
    faces = [(1, "image00002.jpg", (10, 10, 40, 40), (0.1, -0.2, 0.7854), "m"),
             (2, "image04000.jpg", (-5, 5, 30, 30), (0.0, 0.1, -0.1), "f"),
             (3, "image04000.jpg", (50, 40, 30, 35), (0.0, 0.0, -1.2), "m")]
    for face_id, file_id, rect, (roll, pitch, yaw), sex in faces:
        con.execute("INSERT INTO Faces VALUES (?,?,1)", (face_id, file_id))
        con.execute("INSERT INTO FaceRect VALUES (?,?,?,?,?,1)", (face_id, *rect))
        con.execute("INSERT INTO FacePose VALUES (?,?,?,?,1)", (face_id, roll, pitch, yaw))
        con.execute("INSERT INTO FaceMetaData VALUES (?,?,0,0,0,1)", (face_id, sex))
    con.executemany("INSERT INTO FeatureCoords VALUES (1,?,?,?)", [(i, 10.0 + i, 20.0) for i in range(1, 22)])
    con.executemany("INSERT INTO FeatureCoords VALUES (2,?,?,?)", [(i, 5.0 + i, 9.0) for i in range(7, 13)])
    con.executemany("INSERT INTO FeatureCoordTypes VALUES (?,?,?,0,0,0)", [(i, f"p{i}", f"P{i}") for i in range(1, 22)])
    con.commit()
    con.close()
    write_image(root / "flickr/0/image00002.jpg", 100, 100, seed=1)
    write_image(root / "flickr/3/image04000.jpg", 100, 100, seed=2)
    return {"aflw/1": ({"pose": 1}, None), "aflw/2": ({"pose": 0}, None), "aflw/3": ({"pose": 3}, None)}


ADIENCE_HEADER = "user_id\toriginal_image\tface_id\tage\tgender\tx\ty\tdx\tdy\ttilt_ang\tfiducial_yaw_angle\tfiducial_score\n"


def write_adience(root: Path) -> tuple[dict, dict]:
    """Two folds with canonical, odd, bare and None ages (section 6)."""
    fold0 = ["u1@N01\t1_a_o.jpg\t1\t(25, 32)\tm\t10\t20\t100\t100\t0\t0\t50",
             "u1@N01\t2_b_o.jpg\t2\t(25, 23)\tf\t0\t414\t1086\t1383\t-115\t30\t17",
             "u1@N01\t3_c_o.jpg\t3\t35\tu\t1\t2\t3\t4\t0\t0\t5",
             "u1@N01\t4_d_o.jpg\t4\tNone\t\t637\t951\t30\t30\t0\t0\t5"]
    fold1 = ["u2@N02\t5_e_o.jpg\t5\t(0, 2)\tf\t1\t2\t3\t4\t0\t0\t5"]
    root.mkdir(parents=True, exist_ok=True)
    for name, rows in (("fold_0_data.txt", fold0), ("fold_1_data.txt", fold1)):
        (root / name).write_bytes((ADIENCE_HEADER + "\n".join(rows) + "\n").encode())
    for row in fold0 + fold1:
        user, image, face_id = row.split("\t")[:3]
        write_image(root / f"faces/{user}/coarse_tilt_aligned_face.{face_id}.{image}", 80, 80, seed=int(face_id))
    write_image(root / "aligned/u1@N01/landmark_aligned_face.1.1_a_o.jpg", 80, 80)
    good = {"adience/u1@N01/1/1_a_o.jpg": ({"age": 4, "gender": 1}, "fold_0"),
            "adience/u1@N01/2/2_b_o.jpg": ({"age": 4, "gender": 0}, "fold_0"),
            "adience/u1@N01/3/3_c_o.jpg": ({"age": 4, "gender": -1}, "fold_0"),
            "adience/u2@N02/5/5_e_o.jpg": ({"age": 0, "gender": 0}, "fold_1")}
    return good, {"no_label": 1}


def write_imdb(root: Path) -> tuple[dict, dict]:
    """imdb.mat: as wiki.mat plus the IMDB-only celeb_names and celeb_id fields (section 7)."""
    return write_imdb_wiki(root, db="imdb")


def write_imdb_wiki(root: Path, db: str = "wiki") -> tuple[dict, dict]:
    """wiki.mat: a 1x1 struct with 1xN fields as scipy.io.savemat writes it (section 7)."""
    paths = ["17/10000217_1981-05-05_2009.jpg", "48/10000548_1899-05-10_1968.jpg",
             "12/100012_1948-07-03_2000.jpg", "05/tiny_1981-05-05_2010.jpg"]
    fields = {
        "dob": np.array([[723671.0, 693726.0, 100.0, 723671.0]]),
        "photo_taken": np.array([[2009, 1968, 2000, 2010]]),
        "full_path": _cells([np.array([p]) for p in paths]),
        "gender": np.array([[1.0, np.nan, 0.0, 0.0]]),
        "name": _cells([np.array([n]) for n in ("A", "B", "C", "D")]),
        "face_location": _cells([np.array([[10.0, 12.0, 60.0, 70.0]]) for _ in paths]),
        "face_score": np.array([[4.2, -np.inf, 1.5, 3.0]]),
        "second_face_score": np.array([[np.nan, np.nan, 2.0, np.nan]]),
    }
    if db == "imdb":
        fields["celeb_names"] = _cells([np.array([n]) for n in ("A", "B")])
        fields["celeb_id"] = np.array([[1, 2, 1, 2]])
    struct = np.empty((1, 1), dtype=[(k, "O") for k in fields])
    for key, value in fields.items():
        struct[0, 0][key] = value
    root.mkdir(parents=True, exist_ok=True)
    scipy.io.savemat(root / f"{db}.mat", {db: struct})
    for i, path in enumerate(paths[:3]):
        write_image(root / path, 80, 80, seed=i)
    write_image(root / paths[3], 1, 1)
    good = {f"imdb_wiki/{db}/{paths[0]}": ({"age": 4, "gender": 1}, None)}
    return good, {"no_face": 1, "second_face": 1, "image_too_small": 1}


def _cells(items: list) -> np.ndarray:
    out = np.empty((1, len(items)), dtype=object)
    for i, item in enumerate(items):
        out[0, i] = item
    return out


CELEBA_ATTRS = ("5_o_Clock_Shadow Arched_Eyebrows Attractive Bags_Under_Eyes Bald Bangs Big_Lips Big_Nose "
                "Black_Hair Blond_Hair Blurry Brown_Hair Bushy_Eyebrows Chubby Double_Chin Eyeglasses Goatee "
                "Gray_Hair Heavy_Makeup High_Cheekbones Male Mouth_Slightly_Open Mustache Narrow_Eyes No_Beard "
                "Oval_Face Pale_Skin Pointy_Nose Receding_Hairline Rosy_Cheeks Sideburns Smiling Straight_Hair "
                "Wavy_Hair Wearing_Earrings Wearing_Hat Wearing_Lipstick Wearing_Necklace Wearing_Necktie Young")


def _celeba_row(name: str, ones: set[int]) -> str:
    return name + "".join("  1" if i in ones else " -1" for i in range(40))


def write_celeba(root: Path) -> dict:
    """Anno/, Eval/ and Img/img_align_celeba/ with padded rows, no final newline (section 8)."""
    (root / "Anno").mkdir(parents=True, exist_ok=True)
    (root / "Eval").mkdir(parents=True, exist_ok=True)
    rows = [_celeba_row("000001.jpg", {20}), _celeba_row("000002.jpg", {31}), _celeba_row("000003.jpg", set())]
    (root / "Anno/list_attr_celeba.txt").write_bytes(("3\n" + CELEBA_ATTRS + " \n" + "\n".join(rows) + "\n").encode())
    bbox = "3\nimage_id x_1 y_1 width height\n" + "".join(f"00000{i}.jpg    95  71 226 313\n" for i in (1, 2, 3))
    (root / "Anno/list_bbox_celeba.txt").write_bytes(bbox.encode())
    (root / "Anno/identity_CelebA.txt").write_bytes(b"000001.jpg 2880\n000002.jpg 2937\n000003.jpg 8692\n")
    (root / "Eval/list_eval_partition.txt").write_bytes(b"000001.jpg 0\n000002.jpg 1\n000003.jpg 2")
    for i in (1, 2, 3):
        write_image(root / f"Img/img_align_celeba/00000{i}.jpg", 178, 218, seed=i)
    return {"celeba/000001.jpg": ({"smile": 0, "gender": 1}, "train"),
            "celeba/000002.jpg": ({"smile": 1, "gender": 0}, "val"),
            "celeba/000003.jpg": ({"smile": 0, "gender": 0}, "test")}


def write_chalearn_appa(root: Path) -> dict:
    """APPA-REAL style: gt_avg_train.csv and train/ with one _face.jpg crop (section 9)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "gt_avg_train.csv").write_bytes(b"file_name,num_ratings,apparent_age_avg,apparent_age_std,real_age\n"
                                            b"000000.jpg,38,27.5,4.1,25\n000001.jpg,40,61.2,7.9,58\n")
    write_image(root / "train/000000.jpg", 120, 120, seed=1)
    write_image(root / "train/000000.jpg_face.jpg", 60, 60, seed=2)
    write_image(root / "train/000001.jpg", 120, 120, seed=3)
    return {"chalearn_lap/train/000000.jpg": ({"age": 4}, "train"),
            "chalearn_lap/train/000001.jpg": ({"age": 7}, "train")}


def write_chalearn_lap(root: Path) -> tuple[dict, dict]:
    """LAP style, both delimiters; no crops, so faces are detected (none in these images)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "valid_gt.csv").write_bytes(b"image;mean;stdev\nimage_1.jpg;30.5;3.2\n")
    (root / "test_gt.csv").write_bytes(b"image,mean,stdev\nimage_2.jpg,18,2.0\n")
    write_image(root / "valid/image_1.jpg", 100, 100, seed=1)
    write_image(root / "test/image_2.jpg", 100, 100, seed=2)
    return {}, {"no_face_detected": 2}


def write_utkface(root: Path) -> tuple[dict, dict]:
    """UTKFace/ with valid, extreme and malformed names (section 10)."""
    names = {"26_1_2_20170116174525125.jpg.chip.jpg": ({"age": 4, "gender": 0}, None),
             "1_0_0_20161219140623097.jpg.chip.jpg": ({"age": 0, "gender": 1}, None),
             "116_1_0_20170120134921760.jpg.chip.jpg": ({"age": 7, "gender": 0}, None)}
    bad = ["39_1_20170116174525125.jpg.chip.jpg", "30_3_0_20170117000000000.jpg.chip.jpg"]
    for i, name in enumerate([*names, *bad]):
        write_image(root / "UTKFace" / name, 60, 60, seed=i)
    return {f"utkface/{n}": v for n, v in names.items()}, {"bad_file_name": 1, "unknown_label": 1}
