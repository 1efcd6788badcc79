"""What a photo costs: the upload of a 12-megapixel JPEG, and the bytes a phone downloads.

    .venv/bin/python bench/media.py                    # 4000×3000 camera JPEGs, 3 uploads
    .venv/bin/python bench/media.py --width 1200 --height 900 --count 1   # a quick check

Makes camera-like JPEGs (noisy, so they compress like photos, with GPS and
camera EXIF), uploads each through the post editor (the Flask test client:
the multipart request, the checks, the re-encoding into every width, the
store and the database row, without a network) and prints the median time
and CPU time (the same on a quiet machine; on a busy one the wall time grows).
Then, for a post with three of these photos, the bytes a phone downloads
*before* (the originals, as a blog that keeps uploads as they are serves
them) and *after* (the srcset candidate a browser picks at 375 CSS px,
for 1x, 2x and 3x screens).
"""

import argparse
import io
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from PIL import Image

from blog import create_app
from blog.extensions import db
from blog.models import MediaItem, User
from tests.databases import scratch_database
from tests.images import XMP, camera_exif

PASSWORD = "bench password, not a secret"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PHONE_CSS_WIDTH = 375


def camera_jpeg(width: int, height: int, seed: int) -> bytes:
    """A photo-like JPEG, quality 90, with EXIF: detail at every scale, as in real scenes.

    Noise alone would vanish when scaled down (a flat grey at 480 px) and flatter
    the small copies; layers of noise from coarse to fine keep some at each width.
    """
    image = Image.new("RGB", (width, height), (40 * seed % 255, 120, 200))
    for scale, weight in ((64, 0.5), (16, 0.4), (4, 0.3), (1, 0.12)):  # coarse shapes, fine grain
        size = (max(1, width // scale), max(1, height // scale))
        layer = Image.merge("RGB", [Image.effect_noise(size, 60) for _ in range(3)])
        image = Image.blend(image, layer.resize((width, height), Image.Resampling.BICUBIC), weight)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=camera_exif(), xmp=XMP)
    return out.getvalue()


def chosen(item: MediaItem, css_width: int, density: int) -> dict:
    """The srcset candidate a browser takes: the narrowest at least as wide as needed."""
    needed = css_width * density
    candidates = item.srcset
    return next((c for c in candidates if c["width"] >= needed), candidates[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    parser.add_argument("--count", type=int, default=3, help="uploads to time (3 make the post)")
    args = parser.parse_args()
    photos = [camera_jpeg(args.width, args.height, seed) for seed in range(max(3, args.count))]

    with tempfile.TemporaryDirectory() as folder, scratch_database(Path(folder), "bench") as url:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "CACHE_TYPE": "SimpleCache",
            "RATELIMIT_STORAGE_URI": "memory://", "MEDIA_STORAGE": str(Path(folder) / "media"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        })  # fmt: skip
        with app.app_context():
            upgrade()
            user = User(username="author", display_name="Author")
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
        client = app.test_client()
        token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
        client.post("/login", data={"csrf_token": token, "username": "author",
                                    "password": PASSWORD})  # fmt: skip
        token = CSRF.search(client.get("/admin/posts/new").get_data(as_text=True)).group(1)
        times, cpu_times = [], []
        for number, data in enumerate(photos):
            form = {"csrf_token": token, "title": "Bench", "body": "Photos.", "status": "draft",
                    "image": (io.BytesIO(data), f"photo-{number}.jpg"), "image_alt": "A photo",
                    "upload": "Upload"}  # fmt: skip
            start, cpu_start = time.perf_counter(), time.process_time()
            response = client.post(
                "/admin/posts/new", data=form, content_type="multipart/form-data"
            )
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            assert response.status_code == 200, response.get_data(as_text=True)[:2000]
            if number < args.count:
                times.append(elapsed)
                cpu_times.append(cpu)
        with app.app_context():
            items = db.session.scalars(db.select(MediaItem).order_by(MediaItem.id)).all()
            db.engine.dispose()

    megapixels = args.width * args.height / 1e6
    print(f"Upload of a {args.width}×{args.height} ({megapixels:.1f} MP) JPEG of "
          f"{statistics.mean(len(p) for p in photos) / 1e6:.2f} MB, all sizes made "
          f"({', '.join(str(c['width']) for c in items[0].srcset)} px WebP + "
          f"{items[0].fallback['width']} px {items[0].fallback['ext'].upper()}):")  # fmt: skip
    print(f"  median {statistics.median(times):.2f} s over {len(times)} uploads "
          f"(min {min(times):.2f} s, max {max(times):.2f} s); CPU time "
          f"{statistics.median(cpu_times):.2f} s (what a busy machine cannot inflate)")  # fmt: skip
    post = items[:3]
    before = sum(len(p) for p in photos[:3])
    print(f"A post with three photos, bytes a phone downloads ({PHONE_CSS_WIDTH} CSS px wide):")
    print(f"  before (the originals, EXIF and all): {before / 1e6:.2f} MB")
    for density in (1, 2, 3):
        picks = [chosen(item, PHONE_CSS_WIDTH, density) for item in post]
        after = sum(pick["bytes"] for pick in picks)
        print(f"  after, {density}x screen ({picks[0]['width']} px WebP): {after / 1e6:.3f} MB "
              f"({after / before:.1%} of before)")  # fmt: skip


if __name__ == "__main__":
    main()
