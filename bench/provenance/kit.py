"""Test material for provenance, made on the fly: a throw-away certificate chain (a root CA and a leaf;
c2pa-rs refuses a self-signed leaf), files signed with c2pa-python's Builder, a generator-like logo and
clips where it wanders around the frame. Nothing third-party."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image, ImageDraw

from bench import synth

TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
CAPTURED = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"


@dataclass
class TestChain:
    chain_pem: bytes     # leaf then root
    key_pem: bytes
    root_pem: bytes


def _usage(sign_certs: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=sign_certs,
                         crl_sign=sign_certs, encipher_only=False, decipher_only=False)


def make_chain(org: str = "Test Generator Inc", cn: str = "Test Generator Signer") -> TestChain:
    """An ES256 (P-256) root CA and a leaf with the extensions c2pa-rs asks of a signing certificate."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Mamoru Test Root"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Mamoru tests")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(_usage(True), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)])
    leaf = (x509.CertificateBuilder().subject_name(name).issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return TestChain(chain_pem=leaf.public_bytes(pem) + ca.public_bytes(pem),
                     key_pem=key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
                     root_pem=ca.public_bytes(pem))


def sign(source: Path, dest: Path, chain: TestChain, mime: str, source_type: str = TRAINED,
         generator: str = "TestGen", version: str = "2.0") -> Path:
    """DEST: SOURCE with a C2PA manifest whose c2pa.created action carries SOURCE_TYPE."""
    import c2pa

    manifest = {"claim_generator_info": [{"name": generator, "version": version}], "title": dest.name,
                "assertions": [{"label": "c2pa.actions", "data": {"actions": [
                    {"action": "c2pa.created", "digitalSourceType": source_type,
                     "softwareAgent": {"name": generator}}]}}]}
    info = c2pa.C2paSignerInfo(alg=c2pa.C2paSigningAlg.ES256, sign_cert=chain.chain_pem, private_key=chain.key_pem,
                               ta_url=None)
    with c2pa.Signer.from_info(info) as signer, c2pa.Builder(json.dumps(manifest)) as builder:
        with source.open("rb") as src, dest.open("w+b") as out:
            builder.sign(signer, mime, src, out)
    return dest


def make_jpeg(path: Path, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    img = cv2.GaussianBlur(rng.integers(0, 256, (120, 160, 3), dtype=np.uint8), (0, 0), 3)
    Image.fromarray(img).save(path, "JPEG", quality=90)
    return path


def make_logo(path: Path, text: str = "GENAI", seed: int = 1) -> Path:
    """A generator-like logo: white glyph and word on transparency (RGBA PNG)."""
    img = Image.new("RGBA", (150, 44), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((4, 6, 36, 38), outline=(255, 255, 255, 255), width=5)
    d.polygon([(14, 12), (30, 22), (14, 32)], fill=(255, 255, 255, 255))
    from PIL import ImageFont

    d.text((44, 8), text, fill=(255, 255, 255, 255), font=ImageFont.load_default(size=26))
    img.save(path, "PNG")
    return path


def _overlay(frame: np.ndarray, logo_rgba: np.ndarray, x: int, y: int, opacity: float) -> np.ndarray:
    h, w = logo_rgba.shape[:2]
    roi = frame[y:y + h, x:x + w].astype(np.float32)
    a = logo_rgba[..., 3:4].astype(np.float32) / 255.0 * opacity
    rgb = logo_rgba[..., :3][..., ::-1].astype(np.float32)
    frame[y:y + h, x:x + w] = (roi * (1 - a) + rgb * a).astype(np.uint8)
    return frame


def moving_watermark_clip(path: Path, logo: Path | None, seconds: float = 4.0, fps: int = 12, w: int = 360,
                          h: int = 640, width_share: float = 0.3, opacity: float = 0.7, seed: int = 0) -> Path:
    """A clip of moving coloured shapes; LOGO (if any), at WIDTH_SHARE of the frame width, jumps to a new
    place every second as the generators' marks do."""
    rng = np.random.default_rng(seed)
    base = synth.gradient(w, h, seed)
    shapes = [(rng.integers(0, w), rng.integers(0, h), rng.integers(20, 70), tuple(int(c) for c in rng.integers(0, 256, 3)))
              for _ in range(8)]
    rgba = None
    if logo is not None:
        im = Image.open(logo).convert("RGBA")
        lw = int(w * width_share)
        rgba = np.asarray(im.resize((lw, round(im.height * lw / im.width)), Image.Resampling.LANCZOS))
    spots = [(0.06, 0.08), (0.55, 0.3), (0.1, 0.62), (0.5, 0.85), (0.3, 0.45)]

    def frame(i: int) -> np.ndarray:
        f = base.copy()
        for k, (x, y, r, c) in enumerate(shapes):
            cv2.circle(f, (int(x + 6 * i * (1 if k % 2 else -1)) % w, int(y + 4 * i) % h), int(r), c, -1)
        if rgba is not None:
            sx, sy = spots[int(i / fps) % len(spots)]
            x = min(int(sx * w), w - rgba.shape[1])
            y = min(int(sy * h), h - rgba.shape[0])
            _overlay(f, rgba, x, y, opacity)
        return f

    return synth.write_clip(path, frame, seconds=seconds, fps=fps, w=w, h=h)
