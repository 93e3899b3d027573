"""The web page in a real headless Chromium: pick a photograph, see its box and probability bars.

Debian's /usr/bin/chromium, driven by /usr/bin/chromedriver through selenium (both paths given,
so selenium's manager never looks for a driver or a browser to download). `.ci/run` installs
both; when they are missing or the browser cannot start, the test fails: it is never skipped.
"""

from __future__ import annotations

import os
import shutil

import pytest
from facedemo_fixtures import HAND_BOX
from test_server_fixtures import running_server

from facedemo.geometry import iou

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--no-first-run",
         "--disable-sync", "--disable-quic", "--window-size=1280,1000")


@pytest.fixture
def browser(tmp_path, monkeypatch):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")  # selenium manager: never reach the network
    for path in (CHROMIUM, CHROMEDRIVER):
        assert shutil.which(path), f"{path} is missing: apt-get install chromium chromium-driver (see .ci/run)"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + (f"--user-data-dir={tmp_path / 'profile'}",):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def test_the_page_annotates_a_photograph(browser, haar_pipeline, photo, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 60)
    with running_server(haar_pipeline) as (base, _):
        browser.get(base + "/")
        wait.until(lambda d: "ep.keras" in d.find_element(By.ID, "service").text)
        browser.find_element(By.ID, "file").send_keys(str(photo))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#boxes .face-box"))
        wait.until(lambda d: d.execute_script("return document.getElementById('photo').complete"))
        (box,) = browser.find_elements(By.CSS_SELECTOR, "#boxes .face-box")
        status = browser.find_element(By.ID, "status").text
        bars = browser.find_elements(By.CSS_SELECTOR, ".task .bar")
        titles = [t.text for t in browser.find_elements(By.CSS_SELECTOR, ".task h3")]
        image = browser.find_element(By.ID, "photo").rect
        shot = tmp_path / "facedemo-page.png"
        browser.save_screenshot(str(shot))
        print(f"screenshot of the annotated page: {shot}")

        assert "1 face(s)" in status and "answered by ep.keras" in status, status
        assert len(bars) == 7 + 5  # emotion's 7 classes and pose's 5 bins
        widths = [float(b.value_of_css_property("width").removesuffix("px")) for b in bars]
        assert all(w >= 0 for w in widths) and max(widths) > 0
        assert any(t.startswith("emotion: ") and "model ep.keras" in t for t in titles), titles
        # The drawn box sits over the face: back in image pixels, it overlaps the hand-marked box.
        scale = 512 / image["width"]
        rect = box.rect
        drawn = ((rect["x"] - image["x"]) * scale, (rect["y"] - image["y"]) * scale,
                 rect["width"] * scale, rect["height"] * scale)
        assert iou(drawn, HAND_BOX) > 0.5, drawn

        not_an_image = tmp_path / "notes.txt"
        not_an_image.write_text("not an image\n" * 10)
        browser.find_element(By.ID, "file").send_keys(str(not_an_image))
        wait.until(lambda d: d.find_element(By.ID, "error").is_displayed())
        assert browser.find_element(By.ID, "error").text.startswith("415: not an image")
    assert os.path.getsize(shot) > 10_000
