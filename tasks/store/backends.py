"""Object storage behind one small interface: a local folder or S3 (boto3).

Keys are always `/`-separated and relative to the storage root, so the same
pipeline code runs against a laptop folder, MinIO, moto or AWS.
"""

from __future__ import annotations

import builtins
import contextlib
import fcntl
import functools
import hashlib
import mimetypes
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

from tasks.model.records import ObjectInfo


def _umask() -> int:
    """The process's umask (read once at import, while no other thread can change it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: Local files get the mode a plain `open()` would give them: others on a shared folder can read
#: reports when the umask says so (mkstemp alone would leave every file 0600).
FILE_MODE = 0o666 & ~_umask()

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".jsonl": "application/x-ndjson",
    ".parquet": "application/vnd.apache.parquet",
    ".toml": "application/toml",
}


def content_type(key: str) -> str:
    """What a browser needs to open an object (a pre-signed report.html opens, not downloads)."""
    suffix = Path(key).suffix.lower()
    return _CONTENT_TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


#: How every storage failure's text begins: a run that keeps only the text of a failure (the
#: reason a day was not published) still tells it from bad data (the CLI's exit code 3, not 1).
STORAGE_FAILED = "storage failed: "


class StorageError(RuntimeError):
    """A storage operation failed; the message names the object."""

    def __str__(self) -> str:
        return STORAGE_FAILED + super().__str__()


def is_storage_failure(reason: str) -> bool:
    """Whether a failure's text (a day's reason, a task's error) comes from a StorageError."""
    return STORAGE_FAILED in reason


@contextlib.contextmanager
def _os_errors(what: str, key: str) -> Iterator[None]:
    """Any OSError of a local operation (disk full, read-only, permissions) as a StorageError naming the key."""
    try:
        yield
    except OSError as exc:
        raise StorageError(f"cannot {what} {key}: {exc.strerror or exc}") from exc


class StorageMissing(StorageError):
    """The storage root itself is not there, or is not a folder: a wrong path, never an empty feed."""


class UnsupportedStorage(StorageError):
    """A storage URL no backend reads (`ftp://…`): a bad setting, not a storage that failed."""


class TransientStorageError(StorageError):
    """A failure worth retrying: throttling, 5xx, time-outs, dropped connections."""


class Storage(Protocol):
    url: str

    def list(self, prefix: str) -> builtins.list[ObjectInfo]: ...

    def keys(self, prefix: str) -> builtins.list[str]: ...

    def read(self, key: str) -> bytes: ...

    def write(self, key: str, data: bytes) -> None: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...

    def create_exclusive(self, key: str, data: bytes) -> bool: ...

    def read_tagged(self, key: str) -> tuple[bytes, str]: ...

    def replace_if(self, key: str, etag: str, data: bytes) -> bool: ...

    def delete_if(self, key: str, etag: str) -> bool: ...


class LocalStorage:
    """A folder on disk; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.url = str(self.root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise StorageError(f"key escapes the storage root: {key!r}")
        return path

    def _entries(self, prefix: str) -> builtins.list[tuple[str, str | None]]:
        """(key, why it is refused or None) of every entry under `prefix` but this backend's own
        writes in flight. Links are listed, never followed (a link may lead out of storage, or
        loop); a folder that cannot be opened is listed as refused, not skipped."""
        # Walk only the deepest folder the prefix names, not the whole root.
        folder = self._path(prefix.rsplit("/", 1)[0]) if "/" in prefix else self.root
        if not folder.is_dir():
            return []
        unreadable: builtins.list[OSError] = []
        found: builtins.list[tuple[str, str | None]] = []
        for parent, folders, files in os.walk(folder, onerror=unreadable.append):
            for name in [*folders, *files]:
                path = os.path.join(parent, name)  # strings, not Paths: a listing of thousands of parts
                try:
                    mode = os.lstat(path).st_mode
                except FileNotFoundError:  # removed or renamed into place meanwhile
                    continue
                if stat.S_ISLNK(mode):
                    found.append(
                        (self._key_of(path), "a symbolic link: storage never follows links; put the file here")
                    )
                elif stat.S_ISREG(mode) and not _STAGED.fullmatch(name):
                    found.append((self._key_of(path), None))
                elif not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
                    found.append((self._key_of(path), "not a regular file (a pipe, socket or device)"))
        found += [
            (self._key_of(str(e.filename)), "a folder that cannot be opened (check its permissions)")
            for e in unreadable
        ]
        return sorted(key for key in found if key[0].startswith(prefix))

    def _key_of(self, path: str) -> str:
        """The key of a path os.walk gave under the root (the root's string and a separator before it)."""
        return path[len(os.path.join(self.url, "")) :].replace(os.sep, "/")

    def keys(self, prefix: str) -> builtins.list[str]:
        return [key for key, _ in self._entries(prefix)]

    def list(self, prefix: str) -> builtins.list[ObjectInfo]:
        infos = (self._info(key, refused) for key, refused in self._entries(prefix))
        return [info for info in infos if info is not None]

    def _info(self, key: str, refused: str | None) -> ObjectInfo | None:
        """None for an entry removed since it was listed. A refused entry's size and etag come from
        the entry itself, never from what a link points to."""
        path = os.path.join(self.url, key)
        try:
            if refused is None:
                try:
                    return ObjectInfo(key, os.stat(path).st_size, _md5_file(path))
                except FileNotFoundError:
                    raise
                except OSError as exc:
                    refused = f"cannot be read ({exc.strerror})"
            target = os.readlink(path) if os.path.islink(path) else ""
            tag = hashlib.md5(f"{refused}\0{target}".encode(), usedforsecurity=False).hexdigest()
            return ObjectInfo(key, os.lstat(path).st_size, tag, refused)
        except FileNotFoundError:
            return None

    def read(self, key: str) -> bytes:
        try:
            with _os_errors("read", key):
                return self._path(key).read_bytes()
        except StorageError as exc:
            if isinstance(exc.__cause__, FileNotFoundError):
                raise StorageError(f"no such object: {key}") from None
            raise

    def write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        tmp = self._staged(key, path, data)
        try:
            with _os_errors("write", key):
                os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def _staged(self, key: str, path: Path, data: bytes) -> str:
        """`data` in a temporary file beside `path`; nothing is left behind if writing fails (disk full)."""
        with _os_errors("write", key):
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_STAGED_PREFIX)
        try:
            with _os_errors("write", key), os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), FILE_MODE)
                fh.write(data)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return tmp

    def delete(self, key: str) -> None:
        with _os_errors("delete", key):
            self._path(key).unlink(missing_ok=True)

    def create_exclusive(self, key: str, data: bytes) -> bool:
        """Write `key` only if it does not exist yet; False when it does.

        The whole body is written aside first and then linked into place, so the
        key never exists half-written or empty (a full disk leaves no key at all)."""
        path = self._path(key)
        tmp = self._staged(key, path, data)
        try:
            with _os_errors("write", key):
                os.link(tmp, path)
        except StorageError as exc:
            if isinstance(exc.__cause__, FileExistsError):
                return False
            raise
        finally:
            Path(tmp).unlink(missing_ok=True)
        return True

    def read_tagged(self, key: str) -> tuple[bytes, str]:
        data = self.read(key)
        return data, hashlib.md5(data, usedforsecurity=False).hexdigest()

    @contextlib.contextmanager
    def _guard(self, path: Path) -> Iterator[None]:
        """Serialise compare-and-swap in one folder (flock on the folder: processes and threads alike)."""
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _is(self, path: Path, etag: str) -> bool:
        return path.is_file() and _md5_file(path) == etag

    def replace_if(self, key: str, etag: str, data: bytes) -> bool:
        """Write `key` only if its content is still the one `etag` names."""
        path = self._path(key)
        tmp = self._staged(key, path, data)
        try:
            with _os_errors("write", key), self._guard(path):
                if not self._is(path, etag):
                    return False
                os.replace(tmp, path)
                return True
        finally:
            Path(tmp).unlink(missing_ok=True)

    def delete_if(self, key: str, etag: str) -> bool:
        path = self._path(key)
        if not path.parent.is_dir():
            return False
        with _os_errors("delete", key), self._guard(path):
            if not self._is(path, etag):
                return False
            path.unlink()
            return True

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).is_file()
        except StorageError:  # a link out of storage names no object of it (the listing reports the link)
            return False


#: The local backend's writes in flight (temp file + rename): the only names its listing leaves out,
#: so no name a user may give an object is hidden (`.tmp-export.csv` is listed like any other).
_STAGED_PREFIX = ".sps-staging-"
_STAGED = re.compile(re.escape(_STAGED_PREFIX) + r"[a-z0-9_]{8}")


def _md5_file(path: Path | str) -> str:
    """Same role as an S3 ETag: changes whenever the content does."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


#: What a refusal means for the person running the command (no credential ever appears in it).
_S3_ADVICE = {
    "NoSuchBucket": "the bucket does not exist: check the bucket in --storage / SPS_STORAGE",
    "AccessDenied": "these credentials may not do this here: see infra/iam-policy.json",
    "InvalidAccessKeyId": "the endpoint does not know this access key: check AWS_ACCESS_KEY_ID or the profile",
    "SignatureDoesNotMatch": "the secret key does not match the access key: check AWS_SECRET_ACCESS_KEY",
    "ExpiredToken": "the session token has expired: renew the credentials",
}

_TRANSIENT_CODES = {
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "RequestTimeout",
    "RequestTimeTooSkewed",
    "InternalError",
    "ServiceUnavailable",
    "503",
    "500",
}


#: Zero-byte keys that stand for folders: the S3 console's "Create folder" (`a/b/`), Hadoop's `a/b_$folder$`.
_FOLDER_MARKERS = ("/", "_$folder$")


class S3Storage:
    """S3 or any S3-compatible endpoint (AWS_ENDPOINT_URL_S3 is honoured by boto3)."""

    def __init__(self, bucket: str, prefix: str) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.url = f"s3://{bucket}/{self.prefix}".rstrip("/")

    @property
    def _client(self):
        # Keyed by the endpoint boto3 will read, so a changed AWS_ENDPOINT_URL_S3
        # (MinIO, moto) never reuses a client built for another endpoint.
        return _s3_client(os.environ.get("AWS_ENDPOINT_URL_S3"), os.environ.get("AWS_DEFAULT_REGION"))

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _call(self, what: str, key: str, fn, **kwargs):
        from botocore.exceptions import (
            ClientError,
            EndpointConnectionError,
            HTTPClientError,
            NoCredentialsError,
            PartialCredentialsError,
            ReadTimeoutError,
        )
        from botocore.exceptions import (
            ConnectionError as BotoConnectionError,
        )

        where = f"S3 {what} failed for s3://{self.bucket}/{self._key(key)}"
        try:
            return fn(Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            message = f"{where}: {code}" + (f" ({_S3_ADVICE[code]})" if code in _S3_ADVICE else "")
            if code in _TRANSIENT_CODES or status >= 500:
                raise TransientStorageError(message) from exc
            raise StorageError(message) from exc
        except (NoCredentialsError, PartialCredentialsError) as exc:
            raise StorageError(
                f"{where}: no AWS credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                "AWS_PROFILE, or run where an instance role applies)"
            ) from exc
        except EndpointConnectionError as exc:
            endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or "the S3 endpoint"
            raise TransientStorageError(
                f"{where}: cannot reach {endpoint} (check AWS_ENDPOINT_URL_S3 and the network)"
            ) from exc
        except (BotoConnectionError, HTTPClientError, ReadTimeoutError) as exc:
            raise TransientStorageError(f"{where}: {type(exc).__name__}") from exc

    def list(self, prefix: str) -> builtins.list[ObjectInfo]:
        full = self._key(prefix)
        strip = len(self.prefix) + 1 if self.prefix else 0
        infos: builtins.list[ObjectInfo] = []
        token: dict[str, str] = {}
        while True:
            page = self._call("list", prefix, self._client.list_objects_v2, Prefix=full, **token)
            for obj in page.get("Contents", []):
                if obj["Key"].endswith(_FOLDER_MARKERS) and obj["Size"] == 0:
                    continue  # a folder marker: a folder, as on disk
                infos.append(ObjectInfo(obj["Key"][strip:], obj["Size"], obj["ETag"].strip('"')))
            if not page.get("IsTruncated"):
                break
            token = {"ContinuationToken": page["NextContinuationToken"]}
        return sorted(infos, key=lambda info: info.key)

    def keys(self, prefix: str) -> builtins.list[str]:
        return [info.key for info in self.list(prefix)]

    def probe(self, prefix: str) -> None:
        """List one key under `prefix`: the bucket exists and these credentials may read there (a
        reader's policy lists `reports/` only, so the probe asks where the command reads)."""
        self._call("list", prefix, self._client.list_objects_v2, Prefix=self._key(prefix), MaxKeys=1)

    def read(self, key: str) -> bytes:
        return self.read_tagged(key)[0]

    def read_tagged(self, key: str) -> tuple[bytes, str]:
        # One GET per object: ranged multipart downloads cost moto (and small
        # objects) far more than they save. The body is read inside the retry
        # wrapper: a connection dropped mid-body is as transient as one dropped before.
        def get(**kwargs):
            response = self._client.get_object(**kwargs)
            return response["Body"].read(), response["ETag"].strip('"')

        return self._call("get", key, get, Key=self._key(key))

    def write(self, key: str, data: bytes) -> None:
        self._call("put", key, self._client.put_object, Key=self._key(key), Body=data, ContentType=content_type(key))

    def delete(self, key: str) -> None:
        self._call("delete", key, self._client.delete_object, Key=self._key(key))

    def presigned_get(self, key: str, expires_s: int) -> str:
        """A GET link signed with the caller's credentials, valid for `expires_s` seconds."""
        return self._client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": self._key(key)}, ExpiresIn=expires_s
        )

    def create_exclusive(self, key: str, data: bytes) -> bool:
        """Conditional PUT (If-None-Match: *): False when the object already exists."""
        return self._conditional(
            "put", key, self._client.put_object, Body=data, IfNoneMatch="*", ContentType=content_type(key)
        )

    def replace_if(self, key: str, etag: str, data: bytes) -> bool:
        """Conditional PUT (If-Match): False when the object changed since `etag` was read."""
        return self._conditional(
            "put", key, self._client.put_object, Body=data, IfMatch=etag, ContentType=content_type(key)
        )

    def delete_if(self, key: str, etag: str) -> bool:
        return self._conditional("delete", key, self._client.delete_object, IfMatch=etag)

    def _conditional(self, what: str, key: str, fn, **kwargs) -> bool:
        try:
            self._call(what, key, fn, Key=self._key(key), **kwargs)
        except StorageError as exc:
            code = getattr(exc.__cause__, "response", {}).get("Error", {}).get("Code", "")
            if code in ("PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey", "404"):
                return False
            raise
        return True

    def exists(self, key: str) -> bool:
        try:
            self._call("head", key, self._client.head_object, Key=self._key(key))
        except TransientStorageError:
            raise
        except StorageError:
            return False
        return True


@functools.cache
def _s3_client(endpoint: str | None, region: str | None):
    """One client per process and endpoint: boto3 clients are thread-safe, sessions are not."""
    import boto3
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard"},  # attempts: AWS_MAX_ATTEMPTS or ~/.aws/config (default 3)
        signature_version="s3v4",  # pre-signed links need SigV4 in every current region
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.client("s3", config=config)


def require_root(storage: Storage, prefix: str = "") -> None:
    """Storage a command reads must be there before it reads: a local root that does not exist, or
    is a file, is a wrong path, not an empty feed or "nothing published" (StorageMissing); a bucket
    is probed where the command reads (`prefix`), so a missing bucket or refused credentials show
    at once."""
    if isinstance(storage, LocalStorage):
        if not storage.root.exists():
            raise StorageMissing(f"storage {storage.root} does not exist")
        if not storage.root.is_dir():
            raise StorageMissing(f"storage {storage.root} is not a folder")
    elif isinstance(storage, S3Storage):
        storage.probe(prefix)


def open_storage(url: str) -> Storage:
    """Build the backend a storage URL names (`/path`, `file:///path`, `s3://bucket/prefix`)."""
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise StorageError(f"S3 storage URL has no bucket: {url!r}")
        return S3Storage(parsed.netloc, parsed.path)
    if parsed.scheme == "file":
        return LocalStorage(Path(parsed.path))
    if parsed.scheme in ("", None) or len(parsed.scheme) == 1:  # plain or Windows path
        return LocalStorage(Path(url))
    raise UnsupportedStorage(f"unsupported storage URL scheme {parsed.scheme!r} in {url!r}")
