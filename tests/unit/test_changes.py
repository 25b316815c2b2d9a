"""What changed between two dataset versions: by directory (the shell's), by recorded git
version (the page's), and never with a value that git would read as an option or a path."""

import subprocess
import tempfile
from pathlib import Path

import pytest
from atlas_fixtures import write_dataset

from ca_atlas import catalog, changes, cli

#: What an outsider typed into the old free-text box, a briefing file or the CLI.
HOSTILE_REVISIONS = [
    "--output=/tmp/atlas-pwned", "-o/tmp/atlas-pwned", "--remote=git://127.0.0.1:9/x",
    "--list", "--exec=touch /tmp/atlas-pwned", "../..", "/etc", "/", "data", "HEAD:data",
    "a\x00b", "HEAD\n--output=x", "²", "9" * 5000, "x" * 100_000, "HEAD..HEAD~1", "@{1}",
    "HEAD@{yesterday}", "", " ", "HEAD~1 --output=x",
]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@example.org",
                           "-c", "user.name=Test", *args], check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path, mini_records):
    """A git repository whose data/ has two recorded versions: v1 (tagged), then one with
    a changed status."""
    root = tmp_path / "repo"
    data = write_dataset(root / "data")
    (root / "README").write_text("not the dataset\n")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "First release")
    _git(root, "tag", "-a", "v1", "-m", "v1")
    projects = mini_records["projects"]
    projects[1]["status"] = "operating"
    write_dataset(data, projects=projects)
    _git(root, "commit", "-q", "-am", "Tashkent plant operating")
    (root / "README").write_text("changed, but not the dataset\n")
    _git(root, "commit", "-q", "-am", "Not a dataset change")
    return data


def test_added_changed_removed_and_totals(tmp_path, mini_records):
    old_dir = write_dataset(tmp_path / "old")
    projects = mini_records["projects"]
    projects[1]["status"] = "operating"                   # changed
    removed = projects.pop(2)                              # removed (the Naryn bridge)
    added = dict(projects[0], id="uz-copy-for-test", name="Second line")  # added
    projects.append(added)
    new_dir = write_dataset(tmp_path / "new", projects=projects)
    earlier = changes.load_earlier(str(old_dir), allow_directory=True)
    diff = changes.compare(earlier, catalog.load(new_dir), "old")
    assert list(diff.added["id"]) == ["uz-copy-for-test"]
    assert list(diff.removed["id"]) == [removed["id"]]
    assert diff.changed[["id", "field", "before", "after"]].values.tolist() == [
        ["uz-tashkent-cogeneration", "status", "agreed", "operating"]]
    totals = diff.totals.set_index("measure")
    assert totals.loc["projects", "change"] == 0
    # + the copied Karshi-Termez loan, - the US$20m bridge grant
    assert totals.loc["US$ of known amounts (mixed kinds)", "change"] == 18_067e6 / 80 - 20e6


def test_a_directory_is_only_read_when_the_caller_allows_it(tmp_path):
    """Directory comparisons are the shell user's: a page or a briefing cannot name one."""
    old_dir = write_dataset(tmp_path / "old")
    with pytest.raises(ValueError, match="is not a revision"):
        changes.load_earlier(str(old_dir), old_dir)


def test_recorded_versions_are_the_tags_and_the_commits_that_changed_the_data(repo):
    recorded = changes.versions(repo)
    labels = [v.label for v in recorded]
    assert labels[0].startswith("v1 (")
    assert [label.split(": ", 1)[1] for label in labels[1:]] == [
        "Tashkent plant operating", "First release"]  # the README-only commit is not one
    assert all(len(v.commit) == 40 for v in recorded)
    tagged = _git(repo.parent, "rev-list", "-n", "1", "v1")
    assert recorded[0].commit == tagged == recorded[2].commit


def test_a_recorded_version_is_compared_and_its_copy_removed(repo, monkeypatch):
    scratch = Path(tempfile.mkdtemp())
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    first = changes.versions(repo)[0].commit
    diff = changes.compare(changes.load_revision(first, repo), catalog.load(repo), "v1")
    assert diff.changed[["field", "before", "after"]].values.tolist() == [
        ["status", "agreed", "operating"]]
    assert list(scratch.iterdir()) == []  # the extracted copy is gone


def test_revisions_are_resolved_to_commit_ids(repo):
    head = _git(repo.parent, "rev-parse", "HEAD~1")
    assert changes.resolve_revision("HEAD~2", repo) == changes.resolve_revision("v1", repo)
    assert changes.resolve_revision(head[:10], repo) == head
    with pytest.raises(ValueError, match="is not a revision of the dataset's repository"):
        changes.resolve_revision("no-such-revision-xyz", repo)


@pytest.mark.parametrize("revision", HOSTILE_REVISIONS, ids=lambda r: repr(r[:20]))
def test_no_option_or_path_reaches_git(repo, revision, monkeypatch):
    calls = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda cmd, *a, **k: calls.append(cmd) or
                        real_run(cmd, *a, **k))
    with pytest.raises(ValueError):
        changes.load_earlier(revision, repo)
    for cmd in calls:  # the text reaches git only after --end-of-options, as a revision
        text = revision.strip()
        given = [i for i, arg in enumerate(cmd) if text and arg in (text, text + "^{commit}")]
        assert all("--end-of-options" in cmd[:i] for i in given), cmd
    assert not Path("/tmp/atlas-pwned").exists()
    assert not Path("x").exists()


def test_a_full_commit_id_is_required_to_load(repo):
    with pytest.raises(ValueError, match="full commit id"):
        changes.load_revision("HEAD", repo)
    with pytest.raises(ValueError, match="full commit id"):
        changes.load_revision("--output=/tmp/atlas-pwned", repo)


def test_outside_git_there_are_no_versions_and_a_clear_error(tmp_path):
    data = write_dataset(tmp_path / "plain")
    assert changes.versions(data) == []
    with pytest.raises(ValueError, match="not in a git repository"):
        changes.load_earlier("HEAD", data)


def test_the_cli_refuses_option_like_revisions(repo, capsys):
    before = sorted(p.name for p in repo.iterdir())
    assert cli.main(["changes", "--data", str(repo), "--since=--output=projects.yaml"]) == 1
    err = capsys.readouterr().err
    assert "is not a revision" in err and "Traceback" not in err
    assert sorted(p.name for p in repo.iterdir()) == before
    assert (repo / "projects.yaml").stat().st_size > 0
    assert cli.main(["changes", "--data", str(repo), "--since", "v1"]) == 0
    assert "1 changed" in capsys.readouterr().out


def test_a_recorded_version_that_does_not_validate_is_a_clear_error(repo, mini_records):
    """Rules grow stricter over time: an old version that fails today's checks is named
    with its problem, never a traceback."""
    from ca_atlas.model import DatasetError

    projects = mini_records["projects"]
    projects[0]["sector"] = "railways"
    write_dataset(repo, projects=projects)
    _git(repo.parent, "commit", "-q", "-am", "A broken version")
    broken = changes.versions(repo)[1]
    assert broken.label.endswith("A broken version")
    with pytest.raises(DatasetError) as info:
        changes.load_revision(broken.commit, repo)
    assert "projects.yaml, record 1" in str(info.value) and "'railways'" in str(info.value)
