//! Browser tests of `compare --format html` (issue 5): pages (a synthetic
//! agency, and every agency of the converted samples) opened in
//! headless Chromium render their tables and charts, log nothing to the
//! console, and their screenshots are clearly not blank.
//!
//! Needs the `chromium` binary (Debian package `chromium`; `.ci/run` installs
//! it). Set `REPORTDEX_CHROMIUM` to use another binary. Without a browser the
//! test FAILS: it is part of the acceptance criteria, not optional.

mod support;

use reportdex::compare::{self, CompareOptions, Format};
use reportdex::index::{self, synthetic};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("REPORTDEX_CHROMIUM") {
        return PathBuf::from(p);
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Some(dir) = std::env::var_os("PATH")
            .iter()
            .flat_map(std::env::split_paths)
            .find(|d| d.join(name).is_file())
        {
            return dir.join(name);
        }
    }
    panic!(
        "headless Chromium not found: install the Debian package `chromium` \
         (apt-get install -y chromium; .ci/run does this) or set REPORTDEX_CHROMIUM"
    );
}

/// Output of one browser run.
struct Run {
    stdout: String,
    stderr: String,
}

/// Run headless Chromium on a file with extra arguments, killed after 90 s.
fn browse(html: &Path, profile: &Path, extra: &[String]) -> Run {
    browse_url(&format!("file://{}", html.display()), profile, extra)
}

/// Run headless Chromium on a URL with extra arguments, killed after 90 s.
fn browse_url(url: &str, profile: &Path, extra: &[String]) -> Run {
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1200,1600",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(url)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start chromium");
    // Drain the pipes in threads so a chatty browser cannot block.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).ok();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).ok();
        s
    });
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            child.kill().ok();
            child.wait().ok();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Run {
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    }
}

/// Console messages and uncaught errors in Chromium's log.
fn console_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect()
}

fn screenshot(html: &Path, profile: &Path, png: &Path) -> u64 {
    let run = browse(html, profile, &[format!("--screenshot={}", png.display())]);
    let len = std::fs::metadata(png)
        .unwrap_or_else(|e| panic!("no screenshot {}: {e}\n{}", png.display(), run.stderr))
        .len();
    let sig = std::fs::read(png).unwrap();
    assert_eq!(&sig[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    len
}

fn page(dir: &Path) -> PathBuf {
    let data = dir.join("out");
    synthetic::write_dataset(
        &data,
        &synthetic::SyntheticSpec {
            agencies: 3,
            first_year: 2019,
            years: 4,
        },
    )
    .unwrap();
    let idx = index::build_dir(&data, None).unwrap();
    let opts = CompareOptions {
        agency: Some("合成市第1区测试局".to_string()),
        format: Format::Html,
        ..Default::default()
    };
    let html = compare::run(&idx, &opts).unwrap();
    let path = dir.join("agency.html");
    std::fs::write(&path, html).unwrap();
    path
}

#[test]
fn html_page_renders_tables_and_charts_without_console_errors() {
    let dir = tempfile::tempdir().unwrap();
    let html = page(dir.path());
    let profile = dir.path().join("profile");

    // The rendered DOM has the tables and the five charts with bars.
    let run = browse(&html, &profile, &["--dump-dom".to_string()]);
    let dom = &run.stdout;
    assert!(
        dom.contains("<table class=\"metrics\">"),
        "no metrics table:\n{dom}"
    );
    assert!(dom.contains("<table class=\"similarity\">"));
    assert_eq!(dom.matches("<svg").count(), 5, "five charts");
    assert!(dom.matches("<rect").count() >= 5 * 3, "bars drawn");
    assert!(dom.contains("合成市第1区测试局"));
    assert!(
        console_errors(&run.stderr).is_empty(),
        "console output: {:?}",
        console_errors(&run.stderr)
    );

    // A screenshot of the page is far larger than one of a blank page.
    let png = dir.path().join("agency.png");
    let size = screenshot(&html, &profile, &png);
    let blank_html = dir.path().join("blank.html");
    std::fs::write(&blank_html, "<!DOCTYPE html><html><body></body></html>").unwrap();
    let blank = screenshot(&blank_html, &profile, &dir.path().join("blank.png"));
    assert!(
        size > 3 * blank && size > 30_000,
        "screenshot looks blank: {size} bytes vs {blank} for a blank page"
    );
    // Keep a copy for inspection.
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compare-agency.png");
    std::fs::copy(&png, &keep).unwrap();
}

/// The `--all` page of the converted samples (every agency, conflicts, both
/// template versions, a failed prose check) and the number of agencies.
fn samples_page(dir: &Path) -> (PathBuf, usize) {
    let out = dir.join("samples-out");
    let st = Command::new(env!("CARGO_BIN_EXE_reportdex"))
        .args(["convert", "-q", "-o"])
        .arg(&out)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples"))
        .status()
        .unwrap();
    assert!(st.success());
    let idx = index::read(&out).unwrap();
    // The index `convert` wrote validates against its schema.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/index.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("index.json")).unwrap()).unwrap();
    assert!(jsonschema::validator_for(&schema)
        .unwrap()
        .is_valid(&written));
    let opts = CompareOptions {
        all: true,
        format: Format::Html,
        ..Default::default()
    };
    let path = dir.join("samples.html");
    std::fs::write(&path, compare::run(&idx, &opts).unwrap()).unwrap();
    (path, idx.agencies.len())
}

#[test]
fn samples_page_with_every_agency_renders_with_its_index() {
    let dir = tempfile::tempdir().unwrap();
    let (html, n) = samples_page(dir.path());
    assert!(n >= 5, "{n} agencies");
    let profile = dir.path().join("profile");
    let run = browse(&html, &profile, &["--dump-dom".to_string()]);
    let dom = &run.stdout;
    assert!(dom.contains("<nav id=\"index\">"));
    assert_eq!(
        n,
        support::sample_agencies().len(),
        "agencies in the index vs samples/expected"
    );
    for i in 1..=n {
        assert!(dom.contains(&format!("href=\"#agency-{i}\"")));
    }
    assert_eq!(dom.matches("<section class=\"agency\"").count(), n);
    assert_eq!(dom.matches("<table class=\"metrics\">").count(), n);
    assert_eq!(dom.matches("<svg").count(), n * 5);
    // The planted prose disagreement of 宿迁市宿豫区水务局 2021, beside its value.
    assert_eq!(dom.matches("<small class=\"prose\">").count(), 1);
    assert!(dom.contains("武汉市汉阳区文化和旅游局"));
    assert!(
        dom.contains("冲突：6 份报告数值不同"),
        "the 文登 2022 re-issue (DOCX, ODT and DOC of both issues)"
    );
    assert!(console_errors(&run.stderr).is_empty(), "{}", run.stderr);
    let png = dir.path().join("samples.png");
    let size = screenshot(&html, &profile, &png);
    assert!(size > 30_000, "screenshot looks blank: {size} bytes");
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compare-samples-all.png");
    std::fs::copy(&png, &keep).unwrap();
}

/// `compare --all --format html -o DIR` of the converted samples: the index
/// page (national figures, agency list, search) and an agency page render
/// in Chromium without console output, and the search filters the list.
#[test]
fn compare_site_index_and_agency_page_render_and_search_works() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("samples-out");
    let site = dir.path().join("site");
    let st = Command::new(env!("CARGO_BIN_EXE_reportdex"))
        .args(["convert", "-q", "-o"])
        .arg(&out)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples"))
        .status()
        .unwrap();
    assert!(st.success());
    let st = Command::new(env!("CARGO_BIN_EXE_reportdex"))
        .arg("compare")
        .arg(&out)
        .args(["--all", "--format", "html", "-o"])
        .arg(&site)
        .status()
        .unwrap();
    assert!(st.success());
    let index = site.join("index.html");
    let profile = dir.path().join("profile");

    let run = browse(&index, &profile, &["--dump-dom".to_string()]);
    let dom = &run.stdout;
    assert!(console_errors(&run.stderr).is_empty(), "{}", run.stderr);
    assert!(dom.contains("<table class=\"national\">"), "{dom}");
    let n = support::sample_agencies().len();
    let rows = dom.matches("<tr data-name=").count();
    assert_eq!(rows, n, "every sample agency listed");
    assert_eq!(dom.matches(" hidden=\"\"").count(), 0, "nothing filtered");
    assert!(dom.contains(&format!("<span id=\"shown\">{n}</span>")));

    // ?q=汉阳 (percent-encoded): the script leaves one agency shown.
    let url = format!("file://{}?q=%E6%B1%89%E9%98%B3", index.display());
    let run = browse_url(&url, &profile, &["--dump-dom".to_string()]);
    let dom = &run.stdout;
    assert!(console_errors(&run.stderr).is_empty(), "{}", run.stderr);
    assert_eq!(dom.matches(" hidden=\"\"").count(), n - 1, "{dom}");
    assert!(dom.contains("<span id=\"shown\">1</span>"));
    let shown = dom
        .lines()
        .find(|l| l.starts_with("<tr data-name=") && !l.contains(" hidden=\"\""))
        .unwrap();
    assert!(shown.contains("武汉市汉阳区文化和旅游局"), "{shown}");

    // Its link opens the agency page, which renders and links back.
    let href = shown
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let page = site.join(support::percent_decode(href));
    assert!(page.is_file(), "{href}");
    let run = browse(&page, &profile, &["--dump-dom".to_string()]);
    let dom = &run.stdout;
    assert!(console_errors(&run.stderr).is_empty(), "{}", run.stderr);
    assert!(dom.contains("<table class=\"metrics\">"));
    assert_eq!(dom.matches("<svg").count(), 5);
    assert!(dom.contains("href=\"../index.html\""));
    let png = dir.path().join("site-agency.png");
    let size = screenshot(&page, &profile, &png);
    assert!(
        size > 30_000,
        "agency page screenshot looks blank: {size} bytes"
    );
    let png = dir.path().join("site-index.png");
    let size = screenshot(&index, &profile, &png);
    assert!(
        size > 10_000,
        "index page screenshot looks blank: {size} bytes"
    );
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compare-site-index.png");
    std::fs::copy(&png, &keep).unwrap();
}

#[test]
fn console_errors_are_detected() {
    // Control: the detector sees a script error, so its silence above means
    // something.
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("bad.html");
    std::fs::write(
        &html,
        "<!DOCTYPE html><html><body><p>x</p><script>undefinedFunction();</script></body></html>",
    )
    .unwrap();
    let run = browse(
        &html,
        &dir.path().join("profile"),
        &["--dump-dom".to_string()],
    );
    let errs = console_errors(&run.stderr);
    assert!(
        errs.iter().any(|l| l.contains("Uncaught ReferenceError")),
        "{}",
        run.stderr
    );
}
