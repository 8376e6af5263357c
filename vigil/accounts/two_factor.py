"""TOTP second factor (SECURITY-CRITERIA 12) on top of django-otp.

django-otp's TOTPDevice accepts codes within ±1 time step (its default tolerance) and refuses a code whose step is
not newer than the last one accepted, so a code seen over a shoulder cannot be replayed. The secret is shown only
while the device is unconfirmed; once enrolment is confirmed no page or endpoint returns it.
"""

from __future__ import annotations

import base64

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.accounts.models import User

DEVICE_NAME = "authenticator"


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    if device.confirmed:
        raise PermissionError("The secret of a confirmed device is never shown again.")
    return base64.b32encode(device.bin_key).decode("ascii")


def enrolment_qr_svg(device: TOTPDevice) -> str:
    """An inline SVG QR code of the otpauth:// URI, drawn locally: the secret never leaves the server."""
    if device.confirmed:
        raise PermissionError("The secret of a confirmed device is never shown again.")
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111", light="#fff"))


def verify(device: TOTPDevice, token: str) -> bool:
    return bool(device.verify_token(token))
