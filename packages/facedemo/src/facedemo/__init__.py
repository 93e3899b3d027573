"""Offline face-attribute demo: detect, crop, predict every task, draw; images, folders, video, webcam."""

__version__ = "0.1.0"
