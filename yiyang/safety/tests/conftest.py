from __future__ import annotations

import socket

import pytest

BROKER = ("127.0.0.1", 1883)


def broker_up() -> bool:
    try:
        with socket.create_connection(BROKER, timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def broker() -> tuple[str, int]:
    if not broker_up():
        pytest.skip(f"MQTT tests need a broker at {BROKER[0]}:{BROKER[1]} (apt-get install mosquitto)")
    return BROKER
