"""A command's outputs are put in place all together or not at all, and only over a file that is
still exactly what costmodel wrote.

Issue 16, part 3. Each test here reproduces a failure of the earlier design, in which each output
was renamed into place as soon as it was written (so a later failure left the earlier ones, and
the folders made for them), and "costmodel wrote this" was a search for a phrase in the file.
"""

import errno
import json
import struct
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

import costmodel.files as files
from conftest import SCENARIOS
from disks import fill_the_disk
from costmodel.cli import cli

IOW = SCENARIOS / "isle-of-wight-2017.yaml"
WORCESTERSHIRE = SCENARIOS / "worcestershire-2017.yaml"
REFUSED = "use --force to replace it"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def everything_under(folder):
    """Each file and folder under `folder`, with a file's bytes: what "nothing was changed" compares."""
    return {str(path.relative_to(folder)): path.read_bytes() if path.is_file() else None
            for path in sorted(folder.rglob("*"))}


# --------------------------------------------------------------------------- all or nothing

@pytest.mark.parametrize("second", ["--json", "--manifest"])
def test_an_output_that_cannot_be_written_leaves_no_other_output_and_no_folder(tmp_path, second):
    # /proc refuses new files even to root: the second output cannot be written whatever the user.
    result = invoke("run", IOW, "-o", tmp_path / "new" / "a" / "b" / "book.xlsx", second, "/proc/costmodel-test.json")
    assert result.exit_code == 1, result.output
    assert "/proc/costmodel-test.json" in result.stderr and "nothing was changed" in result.stderr
    assert everything_under(tmp_path) == {}, "a folder or a workbook was left by a run that said nothing changed"


def test_a_full_disk_while_writing_the_json_leaves_the_workbook_as_it_was(tmp_path, monkeypatch):
    book, results = tmp_path / "book.xlsx", tmp_path / "results.json"
    assert invoke("run", WORCESTERSHIRE, "-o", book, "--json", results).exit_code == 0
    before = everything_under(tmp_path)
    # Room for a workbook (a zip, starting "PK") but not for the JSON after it.
    fill_the_disk(monkeypatch, room_for=lambda data: bytes(data[:2]) == b"PK")
    result = invoke("run", IOW, "-o", book, "--json", results)
    assert result.exit_code == 1
    assert f"{results}: could not be written (the disk is full); nothing was changed" in result.stderr
    assert everything_under(tmp_path) == before, "the new workbook was put in place beside the old JSON"


def test_a_commit_that_fails_half_way_puts_back_what_it_had_placed(tmp_path, monkeypatch):
    """The workbook is put in place first; the JSON's new folder then cannot be made (a file of that
    name has appeared). The workbook already replaced must be put back as it was."""
    book, results = tmp_path / "book.xlsx", tmp_path / "later" / "results.json"
    assert invoke("run", WORCESTERSHIRE, "-o", book).exit_code == 0
    real_commit = files.Outputs.commit

    def commit_after_a_file_appears(self):
        (tmp_path / "later").write_bytes(b"a file where the JSON's folder was to be made")
        return real_commit(self)

    monkeypatch.setattr(files.Outputs, "commit", commit_after_a_file_appears)
    before = book.read_bytes()
    result = invoke("run", IOW, "-o", book, "--json", results)
    assert result.exit_code == 1, result.output
    assert "nothing was changed" in result.stderr and "Traceback" not in result.output
    assert everything_under(tmp_path) == {
        book.name: before, results.parent.name: b"a file where the JSON's folder was to be made"}


def test_a_run_that_succeeds_makes_the_folders_it_needs(tmp_path):
    book, results = tmp_path / "new" / "a" / "book.xlsx", tmp_path / "new" / "b" / "results.json"
    result = invoke("run", IOW, "-o", book, "--json", results, "--manifest", tmp_path / "new" / "run.json")
    assert result.exit_code == 0, result.output
    import hashlib

    record = json.loads((tmp_path / "new" / "run.json").read_text())
    assert {o["path"]: o["sha256"] for o in record["outputs"]} == {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in (book, results)}
    assert json.loads(results.read_text())["scenario"]["id"] == "isle-of-wight-2017"
    # and no temporary file is left anywhere on the way
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "new", "new/a", "new/a/book.xlsx", "new/b", "new/b/results.json", "new/run.json"]


# --------------------------------------------------------------------------- never another's file

def test_a_costmodel_workbook_a_person_extended_is_not_replaced_without_force(tmp_path):
    book = tmp_path / "book.xlsx"
    assert invoke("run", IOW, "-o", book).exit_code == 0
    workbook = openpyxl.load_workbook(book)
    workbook.create_sheet("My notes")["A1"] = "Questions for the scrutiny panel"
    workbook.save(book)
    extended = book.read_bytes()
    result = invoke("run", IOW, "-o", book)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and str(book) in result.stderr and REFUSED in result.stderr
    assert book.read_bytes() == extended, "the person's sheet was lost"
    assert invoke("run", IOW, "-o", book, "--force").exit_code == 0
    assert "My notes" not in openpyxl.load_workbook(book).sheetnames


def test_one_changed_byte_inside_a_costmodel_workbook_makes_it_another_file(tmp_path):
    """A part changed and the zip written again with the same comment (as `zip` would keep it):
    the content no longer matches the fingerprint."""
    book = tmp_path / "book.xlsx"
    assert invoke("run", IOW, "-o", book).exit_code == 0
    original = zipfile.ZipFile(book)
    changed = tmp_path / "changed.xlsx"
    with zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(b"Hampshire", b"Hampshira", 1)
            archive.writestr(info, data)
        archive.comment = original.comment
    assert changed.read_bytes()[-len(original.comment):] == original.comment
    result = invoke("run", IOW, "-o", changed)
    assert result.exit_code == 1 and f"{changed}: was changed since costmodel wrote it" in result.stderr
    assert REFUSED in result.stderr


def test_a_file_that_only_says_it_was_written_by_costmodel_is_not_replaced(tmp_path):
    titled = tmp_path / "titled.xlsx"
    with zipfile.ZipFile(titled, "w") as archive:
        archive.writestr("docProps/core.xml", "<cp:coreProperties><dc:title>Our review: Written by costmodel, "
                                              "then annotated</dc:title></cp:coreProperties>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    hand_written = tmp_path / "results.json"
    hand_written.write_text('{\n  "costmodel_version": "0.1.0",\n  "note": "typed in by hand"\n}\n')
    for target, option in ((titled, "-o"), (hand_written, "--json")):
        content = target.read_bytes()
        result = invoke("run", IOW, option, target, *(["-o", tmp_path / "book.xlsx"] if option == "--json" else []))
        assert result.exit_code == 1 and f"{target}: exists" in result.stderr and REFUSED in result.stderr
        assert target.read_bytes() == content


def test_a_costmodel_json_a_person_edited_is_not_replaced_and_an_untouched_one_is(tmp_path):
    results, book = tmp_path / "results.json", tmp_path / "book.xlsx"
    assert invoke("run", WORCESTERSHIRE, "-o", book, "--json", results).exit_code == 0
    assert invoke("run", IOW, "-o", book, "--json", results).exit_code == 0, "costmodel's own JSON was refused"
    edited = results.read_text().replace('"id": "isle-of-wight-2017"', '"id": "isle-of-wight-2017-checked"', 1)
    results.write_text(edited)
    result = invoke("run", IOW, "-o", book, "--json", results)
    assert result.exit_code == 1 and f"{results}: was changed since costmodel wrote it" in result.stderr
    assert results.read_text() == edited


def test_the_json_is_the_same_in_a_file_and_on_standard_output_and_ends_with_its_fingerprint(tmp_path):
    import hashlib

    results = tmp_path / "results.json"
    assert invoke("run", IOW, "-o", tmp_path / "book.xlsx", "--json", results).exit_code == 0
    printed = invoke("run", IOW, "-o", tmp_path / "book.xlsx", "--json", "-").stdout
    assert results.read_text() == printed  # so `--json - > results.json` gives a file costmodel knows too
    fingerprint = json.loads(printed)["file_fingerprint"]
    # The fingerprint is of the text before it: the last field taken out, the object closed.
    before = printed[:printed.rindex(',\n  "file_fingerprint"')] + "\n}\n"
    assert "file_fingerprint" not in before and json.loads(before)["costmodel_version"]
    assert fingerprint == hashlib.sha256(before.encode("utf-8")).hexdigest()


def test_a_file_put_at_the_path_while_the_command_ran_is_not_lost(tmp_path, monkeypatch):
    """The path is free when the run starts; a person saves a file there while it works. The check
    made just before the file is put in place finds it, and the run changes nothing."""
    book, results = tmp_path / "book.xlsx", tmp_path / "results.json"
    real_commit = files.Outputs.commit

    def commit_after_a_person_saves(self):
        book.write_bytes(b"the spreadsheet a colleague saved here a moment ago")
        return real_commit(self)

    monkeypatch.setattr(files.Outputs, "commit", commit_after_a_person_saves)
    result = invoke("run", IOW, "-o", book, "--json", results)
    assert result.exit_code == 1, result.output
    assert f"{book}: exists" in result.stderr and REFUSED in result.stderr and "nothing was changed" in result.stderr
    assert everything_under(tmp_path) == {book.name: b"the spreadsheet a colleague saved here a moment ago"}


def test_a_costmodel_file_changed_while_the_command_ran_is_not_replaced(tmp_path, monkeypatch):
    book = tmp_path / "book.xlsx"
    assert invoke("run", IOW, "-o", book).exit_code == 0
    real_commit = files.Outputs.commit

    def commit_after_a_person_saves(self):
        workbook = openpyxl.load_workbook(book)
        workbook.create_sheet("My notes")
        workbook.save(book)
        return real_commit(self)

    monkeypatch.setattr(files.Outputs, "commit", commit_after_a_person_saves)
    result = invoke("run", WORCESTERSHIRE, "-o", book)
    assert result.exit_code == 1 and REFUSED in result.stderr
    assert "My notes" in openpyxl.load_workbook(book).sheetnames


def _zip_with_one_member_marked(path, mark):
    """A zip whose one member's headers are changed by `mark(local_header, central_header)`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("docProps/core.xml", "<cp:coreProperties>Written by costmodel 0.1.0</cp:coreProperties>")
    data = bytearray(path.read_bytes())
    mark(data, data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02"))
    path.write_bytes(bytes(data))


def _encrypted(data, local, central):
    data[local + 6] |= 1  # general purpose flag, bit 0: encrypted
    data[central + 8] |= 1


def _unknown_compression(data, local, central):
    data[local + 8:local + 10] = struct.pack("<H", 99)
    data[central + 10:central + 12] = struct.pack("<H", 99)


@pytest.mark.parametrize("mark", [_encrypted, _unknown_compression], ids=["encrypted", "unknown compression"])
def test_an_encrypted_or_strange_zip_at_the_output_path_is_refused_clearly(tmp_path, mark):
    target = tmp_path / "book.xlsx"
    _zip_with_one_member_marked(target, mark)
    content = target.read_bytes()
    result = invoke("run", IOW, "-o", target)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"error: {target}: exists") and REFUSED in result.stderr
    assert "could not finish" not in result.output and "Traceback" not in result.output
    assert target.read_bytes() == content


def test_a_person_extended_workbook_is_not_replaced_by_a_batch_either(tmp_path):
    region = tmp_path / "region"
    assert invoke("run", IOW, WORCESTERSHIRE, "-o", region).exit_code == 0
    book = region / "isle-of-wight-2017.xlsx"
    workbook = openpyxl.load_workbook(book)
    workbook.create_sheet("My notes")
    workbook.save(book)
    extended = book.read_bytes()
    result = invoke("run", IOW, WORCESTERSHIRE, "-o", region)
    assert result.exit_code == 1 and REFUSED in result.stderr
    assert book.read_bytes() == extended


# --------------------------------------------------------------------------- the staging itself

@pytest.fixture(params=["unnamed", "named"])
def staging(request, monkeypatch):
    """Each test below twice: with Linux's unnamed temporary files, and with the named ones used
    where a file system has none."""
    if request.param == "named":
        monkeypatch.delattr(files.os, "O_TMPFILE", raising=False)
    return request.param


def test_outputs_left_without_a_commit_leave_nothing(tmp_path, staging):
    with files.Outputs() as outputs:
        outputs.add(tmp_path / "new" / "a.txt", b"a")
        outputs.add(tmp_path / "b.txt", b"b")
    assert everything_under(tmp_path) == {}


def test_a_commit_puts_every_output_in_place_and_leaves_no_temporary_file(tmp_path, staging):
    (tmp_path / "b.txt").write_bytes(b"old b")
    with files.Outputs(force=True) as outputs:
        outputs.add(tmp_path / "new" / "deeper" / "a.txt", b"a")
        outputs.add(tmp_path / "b.txt", b"b")
        outputs.commit()
    assert everything_under(tmp_path) == {"b.txt": b"b", "new": None, "new/deeper": None, "new/deeper/a.txt": b"a"}


def test_a_later_output_that_cannot_be_placed_puts_back_the_earlier_ones(tmp_path, staging):
    (tmp_path / "first.txt").write_bytes(b"the first, as it was")
    with files.Outputs(force=True) as outputs:
        outputs.add(tmp_path / "first.txt", b"new first")
        outputs.add(tmp_path / "made" / "second.txt", b"second")
        outputs.add(tmp_path / "third" / "x.txt", b"third")
        # After staging, a folder the third needs becomes a file: it cannot be placed.
        (tmp_path / "third").write_bytes(b"in the way")
        with pytest.raises(files.OutputError, match="third/x.txt: cannot make the folder .*nothing was changed"):
            outputs.commit()
    assert everything_under(tmp_path) == {"first.txt": b"the first, as it was", "third": b"in the way"}


def test_without_hard_links_a_replaced_file_is_still_put_back(tmp_path, monkeypatch, staging):
    """Some file systems cannot give a file a second name; the file being replaced is moved aside instead."""
    real_link = files.os.link

    def link(source, name, *args, **kwargs):
        if str(name).endswith(".previous"):
            raise OSError(errno.EPERM, "Operation not permitted")
        return real_link(source, name, *args, **kwargs)

    monkeypatch.setattr(files.os, "link", link)
    (tmp_path / "first.txt").write_bytes(b"the first, as it was")
    with files.Outputs(force=True) as outputs:
        outputs.add(tmp_path / "first.txt", b"new first")
        outputs.add(tmp_path / "later" / "x.txt", b"x")
        (tmp_path / "later").write_bytes(b"in the way")
        with pytest.raises(files.OutputError, match="nothing was changed"):
            outputs.commit()
    assert everything_under(tmp_path) == {"first.txt": b"the first, as it was", "later": b"in the way"}


def test_a_file_that_appears_before_the_commit_is_kept(tmp_path, staging):
    target = tmp_path / "book.json"
    with files.Outputs() as outputs:
        outputs.check([target])  # free now
        outputs.json(target, '{\n  "costmodel_version": "test"\n}\n')
        target.write_bytes(b"a colleague's")
        with pytest.raises(files.OutputError, match="book.json: exists.*use --force to replace it; nothing was"):
            outputs.commit()
    assert everything_under(tmp_path) == {"book.json": b"a colleague's"}


def test_a_failed_run_prints_no_json_on_standard_output(tmp_path):
    result = invoke("run", IOW, "-o", tmp_path / "book.xlsx", "--json", "-", "--manifest", "/proc/costmodel-test.json")
    assert result.exit_code == 1 and "cannot write in this folder" in result.stderr
    assert result.stdout == "", "results were printed for a run that then changed nothing"


def test_the_run_record_on_standard_output_is_fingerprinted_as_a_file_would_be(tmp_path):
    record, book = tmp_path / "run.json", tmp_path / "book.xlsx"
    printed = invoke("run", IOW, "-o", book, "--manifest", "-").stdout
    assert json.loads(printed)["outputs"][0]["path"] == str(book)
    record.write_text(printed)
    assert files.ownership(record) == files.OURS
