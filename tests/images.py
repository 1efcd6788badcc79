"""Test pictures made with Pillow: photos carrying the EXIF a camera phone writes."""

import io
import struct
import zlib

from PIL import ExifTags, Image

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (52.0, 22.0, 12.5),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (4.0, 53.0, 41.0),
}
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'dc:creator="Ada Owner"/></rdf:RDF></x:xmpmeta>'
)


def camera_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    exif[ExifTags.Base.Artist] = "Ada Owner"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = GPS
    camera = exif.get_ifd(ExifTags.IFD.Exif)
    camera[ExifTags.Base.BodySerialNumber] = "SN-123456789"
    camera[ExifTags.Base.CameraOwnerName] = "Ada Owner"
    return exif


def photo(width=800, height=600, orientation=1, image_format="JPEG", colour=(200, 80, 40)):
    """A photo-like image (a gradient, so it does not compress to nothing) with GPS EXIF."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.blend(image, Image.new("RGB", (width, height), colour), 0.5)
    out = io.BytesIO()
    image.save(out, image_format, exif=camera_exif(orientation), xmp=XMP, quality=90)
    return out.getvalue()


def top_marked(width=400, height=200, orientation=6):
    """A landscape picture whose top half is red, stored rotated with an EXIF orientation.

    Orientation 6 means "rotate 90° clockwise to view": the pixels are stored
    turned the other way, as a phone held upright writes them.
    """
    upright = Image.new("RGB", (width, height), (0, 0, 255))
    upright.paste((255, 0, 0), (0, 0, width, height // 2))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # undone by orientation 6
    out = io.BytesIO()
    stored.save(out, "JPEG", exif=camera_exif(orientation), quality=95)
    return out.getvalue()


def png(width=64, height=48, mode="RGBA"):
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 120, 200, 128)).convert(mode).save(out, "PNG")
    return out.getvalue()


def png_bomb(width=100_000, height=100_000):
    """A tiny PNG whose header claims billions of pixels."""
    data = bytearray(png(8, 8, "L"))
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)
