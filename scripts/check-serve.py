#!/usr/bin/env python3
"""mus serve in a real browser: Debian's chromium and chromium-driver, driven by Selenium.

Starts `mus serve` on a free loopback port with a fresh archive folder and, as a person
would, makes a guide through the form (and checks the downloaded PDF names the leader),
sends a roster with a mistake and then examples/afdeling.csv, makes the department's
guides and checks the ZIP, puts a signed guide and an attack into the archive, shows the
status, and downloads the MED report and the plans. On every page axe-core checks the
WCAG 2.1 A and AA rules: any violation fails the script. A second server with a login
token checks the login page. Screenshots at 1280x800 go to SHOTS (default
/tmp/serve-shots).

Usage: python3 scripts/check-serve.py [target/release/mus]
Environment: AXE_JS (axe.min.js; default scripts/.axe/node_modules/axe-core/axe.min.js),
SHOTS, CHROMIUM (/usr/bin/chromium), CHROMEDRIVER (/usr/bin/chromedriver).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
MUS = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target/release/mus").resolve()
AXE_JS = Path(os.environ.get("AXE_JS", ROOT / "scripts/.axe/node_modules/axe-core/axe.min.js"))
SHOTS = Path(os.environ.get("SHOTS", "/tmp/serve-shots"))
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

failures = []
checked_pages = []


def fail(message):
    print(f"FAIL: {message}")
    failures.append(message)


def start_server(*args):
    """`mus serve` on a free loopback port; returns (process, base url)."""
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    proc = subprocess.Popen(
        [str(MUS), "serve", "--listen", "127.0.0.1:0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    url = proc.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        proc.kill()
        sys.exit(f"mus serve did not start: {url!r} {proc.stderr.read()}")
    return proc, url.rstrip("/")


def stop_server(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail("mus serve did not stop on SIGTERM")
        return
    if code != 0:
        fail(f"mus serve exited with {code} on SIGTERM")
    log = proc.stderr.read()
    for word in ("Łukasz", "Øster", "Mette", "Søgaard"):
        if word in log:
            fail(f"the server's log names a person ({word})")


def browser(downloads):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    profile = tempfile.mkdtemp(prefix="mus-chromium-")
    for flag in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,800",
        "--lang=da-DK",
        f"--user-data-dir={profile}",
    ]:
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "plugins.always_open_pdf_externally": True,
            "intl.accept_languages": "da-DK,da",
        },
    )
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_window_size(1280, 800)
    return driver, profile


def axe(driver, name):
    """Runs axe-core on the page; every WCAG 2.1 A/AA violation is a failure."""
    driver.execute_script(AXE_JS.read_text())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done({violations: r.violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))}))"
        ".catch(e => done({error: String(e)}));",
        WCAG,
    )
    if "error" in result:
        fail(f"{name}: axe failed: {result['error']}")
        return
    checked_pages.append(name)
    for v in result["violations"]:
        fail(f"{name}: axe {v['id']} ({v['impact']}): {v['help']} at {v['nodes'][:3]}")
    print(f"axe {name}: {len(result['violations'])} violations")


def shot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def page(driver, name):
    """Checks the page every page must be: Danish, titled, headers right; axe; screenshot."""
    lang = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
    if lang != "da":
        fail(f"{name}: lang={lang!r}")
    if not driver.find_elements(By.TAG_NAME, "h1"):
        fail(f"{name}: no h1")
    axe(driver, name)
    shot(driver, name)


def wait_download(downloads, suffix, before, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        new = [
            p for p in downloads.iterdir()
            if p.name.endswith(suffix) and p.name not in before
        ]
        if new and not any(p.name.endswith(".crdownload") for p in downloads.iterdir()):
            return new[0]
        time.sleep(0.2)
    fail(f"no {suffix} downloaded in {timeout} s")
    return None


def click_label(driver, text):
    driver.find_element(By.XPATH, f"//label[normalize-space()={json.dumps(text, ensure_ascii=False)}]").click()


def type_into(driver, field_id, text):
    element = driver.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(text)


def pdf_text(path):
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def guide(driver, base, downloads):
    driver.get(f"{base}/")
    page(driver, "forside")
    driver.find_element(By.LINK_TEXT, "Samtaleguide").click()
    WebDriverWait(driver, 10).until(EC.title_contains("Samtaleguide"))
    page(driver, "guide")
    # A mistake first: the error is shown beside the field and the form kept as typed.
    click_label(driver, "Leder af medarbejdere")
    click_label(driver, "Sæt retning")
    click_label(driver, "Opdyrk potentialer")
    type_into(driver, "name", "Łukasz Øster-Ågård")
    type_into(driver, "manager", "Bodil Kjærgård")
    type_into(driver, "unit", "Dagtilbud Nord")
    type_into(driver, "date", "2027-02-30")
    driver.find_element(By.XPATH, "//button[normalize-space()='Lav guide']").click()
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "date-error")))
    if "er ikke en dato" not in driver.find_element(By.ID, "date-error").text:
        fail("guide: the date error is not beside the date")
    if driver.find_element(By.ID, "name").get_attribute("value") != "Łukasz Øster-Ågård":
        fail("guide: the name was not kept")
    page(driver, "guide-fejl")
    # The summary's link takes the keyboard to the field.
    driver.find_element(By.CSS_SELECTOR, ".alert-error a[href='#date']").click()
    if driver.switch_to.active_element.get_attribute("id") != "date":
        fail("guide: the error summary's link does not reach the field")
    before = {p.name for p in downloads.iterdir()}
    type_into(driver, "date", "2027-01-15")
    driver.find_element(By.XPATH, "//button[normalize-space()='Lav guide']").click()
    pdf = wait_download(downloads, ".pdf", before)
    if pdf is None:
        return
    if pdf.name != "mus-lukasz-oester-aagaard-2027-01-15.pdf":
        fail(f"guide: downloaded as {pdf.name}")
    text = pdf_text(pdf)
    for wanted in ("Łukasz Øster-Ågård", "Bodil Kjærgård", "Sæt retning"):
        if wanted not in text:
            fail(f"guide: the PDF does not say {wanted!r}")
    print(f"guide: {pdf.name}, {pdf.stat().st_size} bytes, names the leader")


def batch(driver, base, downloads, work):
    driver.get(f"{base}/batch")
    page(driver, "afdeling")
    bad = work / "fejl.csv"
    bad.write_text("Navn;Rolle;Fokus\nMette Søgaard;chef;saet-retning\nJens Hansen;kok;\n", encoding="utf-8")
    driver.find_element(By.ID, "roster").send_keys(str(bad))
    driver.find_element(By.XPATH, "//button[normalize-space()='Tjek listen']").click()
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "tr.mus-problem")))
    if "unknown role 'kok'" not in driver.find_element(By.CSS_SELECTOR, "tr.mus-problem").text:
        fail("batch: the bad row's problem is not shown")
    page(driver, "afdeling-tjek-fejl")
    driver.get(f"{base}/batch")
    driver.find_element(By.ID, "roster").send_keys(str(ROOT / "examples/afdeling.csv"))
    driver.find_element(By.XPATH, "//button[normalize-space()='Tjek listen']").click()
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "table")))
    page(driver, "afdeling-tjek")
    driver.find_element(By.XPATH, "//button[starts-with(normalize-space(), 'Lav guides')]").click()
    WebDriverWait(driver, 10).until(EC.url_contains("/batch/job/"))
    if driver.find_elements(By.ID, "progress"):
        page(driver, "afdeling-i-gang")
    WebDriverWait(driver, 300).until(EC.presence_of_element_located((By.LINK_TEXT, "Hent ZIP-fil")))
    page(driver, "afdeling-klar")
    before = {p.name for p in downloads.iterdir()}
    driver.find_element(By.LINK_TEXT, "Hent ZIP-fil").click()
    path = wait_download(downloads, ".zip", before)
    if path is None:
        return
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        manifest = json.loads(z.read("manifest.json"))
        files = [g["file"] for g in manifest["guides"]]
        missing = [f for f in files if f not in names]
        if missing or "manifest.csv" not in names or not files:
            fail(f"batch: the ZIP holds {names}, the manifest names {files}")
        for f in files:
            if not z.read(f).startswith(b"%PDF-"):
                fail(f"batch: {f} in the ZIP is not a PDF")
    print(f"batch: {path.name} with {len(files)} guides and the manifest")


def large_batch(driver, base, downloads, work):
    """1,000 rows: the page shows the job's progress as it moves, and other pages are
    answered while it runs."""
    roster = work / "tusind.csv"
    roster.write_text(
        subprocess.run([sys.executable, str(ROOT / "scripts/make-roster.py"), "1000"],
                       check=True, capture_output=True, text=True).stdout,
        encoding="utf-8")
    driver.get(f"{base}/batch")
    driver.find_element(By.ID, "roster").send_keys(str(roster))
    driver.find_element(By.XPATH, "//button[normalize-space()='Tjek listen']").click()
    WebDriverWait(driver, 60).until(EC.presence_of_element_located((By.CSS_SELECTOR, "table")))
    driver.find_element(By.XPATH, "//button[starts-with(normalize-space(), 'Lav guides')]").click()
    WebDriverWait(driver, 10).until(EC.url_contains("/batch/job/"))
    job = driver.current_url.split("?")[0]
    counts, slowest = [], 0.0
    deadline = time.time() + 300
    while time.time() < deadline:
        status = json.loads(urllib.request.urlopen(f"{job}/status", timeout=30).read())
        if status["finished"]:
            break
        counts.append(status["done"])
        shown = driver.find_elements(By.ID, "progress")
        if not shown:
            fail("large batch: no progress bar while the batch runs")
            return
        started = time.time()
        urllib.request.urlopen(f"{base}/guide", timeout=30).read()
        slowest = max(slowest, time.time() - started)
        time.sleep(0.2)
    moving = sorted({c for c in counts if 0 < c < 1000})
    if len(moving) < 2:
        fail(f"large batch: the count did not move while it ran: {counts}")
    if slowest > 2:
        fail(f"large batch: /guide took {slowest:.1f} s while the batch ran")
    WebDriverWait(driver, 300).until(EC.presence_of_element_located((By.LINK_TEXT, "Hent ZIP-fil")))
    if "1000 guides er klar" not in driver.page_source:
        fail("large batch: the page does not say 1000 guides are ready")
    print(f"large batch: 1000 guides; progress seen at {len(moving)} counts; "
          f"/guide answered within {slowest * 1000:.0f} ms while it ran")


def archive(driver, base, downloads):
    driver.get(f"{base}/arkiv")
    page(driver, "arkiv")
    good = ROOT / "tests/fixtures/attacks/wrong-name.pdf"
    attack = ROOT / "tests/fixtures/attacks/shadow-hide.pdf"
    driver.find_element(By.ID, "files").send_keys(f"{good}\n{attack}")
    driver.find_element(By.XPATH, "//button[normalize-space()='Læg i arkivet']").click()
    WebDriverWait(driver, 60).until(EC.title_contains("Lagt i arkivet"))
    text = driver.find_element(By.TAG_NAME, "main").text
    if "1 arkiveret" not in text or "1 afvist" not in text or "changed after signing" not in text:
        fail(f"archive: verdicts not as mus archive add gives them: {text[:400]}")
    page(driver, "arkiv-lagt-ind")
    driver.get(f"{base}/arkiv")
    driver.find_element(By.ID, "status-roster").send_keys(str(ROOT / "examples/afdeling.csv"))
    type_into(driver, "status-year", "2027")
    driver.find_element(By.XPATH, "//button[normalize-space()='Vis status']").click()
    WebDriverWait(driver, 60).until(EC.title_contains("Status"))
    if "mangler" not in driver.find_element(By.TAG_NAME, "main").text:
        fail("archive: the status shows no one missing")
    page(driver, "arkiv-status")
    driver.get(f"{base}/arkiv")
    driver.find_element(By.ID, "report-roster").send_keys(str(ROOT / "examples/afdeling.csv"))
    type_into(driver, "report-year", "2027")
    type_into(driver, "report-min_group", "1")
    before = {p.name for p in downloads.iterdir()}
    driver.find_element(By.XPATH, "//button[normalize-space()='Hent rapport (PDF)']").click()
    report = wait_download(downloads, ".pdf", before)
    if report is not None and "2027" not in pdf_text(report):
        fail("archive: the MED report does not say its year")
    before = {p.name for p in downloads.iterdir()}
    driver.find_element(By.XPATH, "//button[normalize-space()='Hent planer (CSV)']").click()
    plans = wait_download(downloads, ".csv", before)
    if report and plans:
        print(f"archive: {report.name}, {plans.name}")


def login(driver, base, token):
    driver.get(f"{base}/guide")
    if "/login" not in driver.current_url:
        fail("login: /guide did not lead to the login page")
    page(driver, "login")
    type_into(driver, "token", "forkert-kode-0000000000")
    driver.find_element(By.XPATH, "//button[normalize-space()='Log ind']").click()
    WebDriverWait(driver, 10).until(EC.presence_of_element_located((By.ID, "token-error")))
    page(driver, "login-fejl")
    type_into(driver, "token", token)
    driver.find_element(By.XPATH, "//button[normalize-space()='Log ind']").click()
    WebDriverWait(driver, 10).until(EC.title_contains("Forside"))
    print("login: the token opens the pages")


def main():
    if not AXE_JS.exists():
        sys.exit(f"no axe-core at {AXE_JS} (npm install --prefix scripts/.axe axe-core@4)")
    work = Path(tempfile.mkdtemp(prefix="mus-serve-check-"))
    downloads = work / "downloads"
    downloads.mkdir()
    shutil.rmtree(SHOTS, ignore_errors=True)
    proc, base = start_server("--archive", str(work / "arkiv"))
    driver, profile = browser(downloads)
    try:
        guide(driver, base, downloads)
        batch(driver, base, downloads, work)
        large_batch(driver, base, downloads, work)
        archive(driver, base, downloads)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        stop_server(proc)
    token_file = work / "token"
    proc, base = start_server("--token-file", str(token_file))
    driver, profile = browser(downloads)
    try:
        login(driver, base, token_file.read_text().strip())
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        stop_server(proc)
    shutil.rmtree(work, ignore_errors=True)
    print(f"pages checked by axe-core ({', '.join(WCAG)}): {len(checked_pages)}: {', '.join(checked_pages)}")
    print(f"screenshots (1280x800): {SHOTS}")
    if failures:
        sys.exit(f"check-serve: {len(failures)} failures")
    print("check-serve: all checks passed")


if __name__ == "__main__":
    main()
