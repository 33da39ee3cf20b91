"""Generic credential assignments, HTTP auth headers and credentials inside URLs.

These rules have no self-describing format: they rely on a keyword (``password``, ``api_key``,
``secret``, ``token``), an entropy floor and a validator that rejects placeholders and references
to where the real value lives (``os.environ[...]``, ``process.env.X``, ``${VAR}``, ``settings.KEY``).
They score lower than the prefixed formats so a specific rule wins an overlap.
"""

from __future__ import annotations

import base64
import binascii
import re

from clearance.core.severity import Severity
from clearance.detection.secrets._rule import secret

_DOTTED = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)+$")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_IDENTIFIER = re.compile(
    r"^(?:[a-z]+(?:_[a-z]+)+|[a-z]+(?:[A-Z][a-z]+)+|[A-Z][a-z]+(?:[A-Z][a-z]+)*)$"
)
_REFERENCE_MARKERS = (
    "environ",
    "process.env",
    "getenv",
    "secrets.",
    "vault:",
    "ssm:",
    "env(",
    "env.",
    "***",
    "%(",
    "%s",
    "password",
    "passwd",
    "secret_key_here",
    "replace",
    "todo",
    "insert",
    "foobar",
    "123456",
    "abcdef",
    "qwerty",
    "letmein",
    "hunter2",
    "test1234",
    "not_set",
    "notset",
)
_LITERALS = frozenset({"none", "null", "nil", "true", "false", "undefined", "required", "optional"})
# Characters that end an unquoted value (closing brackets included, opening ones are excluded).
_TERMINATOR = r"(?:[\s'\"\\,;`)}\]]|$)"
_VALUE_CHARS = r"[^\s'\"`,;\\<>(){}\[\]|]"
_TOKEN_CHARS = r"[A-Za-z0-9_+/=.~-]"
_SEPARATOR = r"[\s'\"\\]{0,3}(?:=|:=|:|=>)[\s'\"\\]{0,5}"


_REFERENCE = re.compile("|".join(map(re.escape, _REFERENCE_MARKERS)))


def _not_reference(value: str) -> bool:
    """False for variable references, identifiers, paths, URLs and literal keywords."""
    low = value.lower()
    if low in _LITERALS or _REFERENCE.search(low):
        return False
    if value[0] in "$%@&!*:#/~." or "://" in value:
        return False
    if _DOTTED.match(value) or _ENV_NAME.match(value) or _IDENTIFIER.match(value):
        return False
    return len(set(value)) > 3


# A password may begin with a symbol ("!Xk9...", "#secretP@ss"); these symbols also open YAML
# tags, anchors and aliases (``!vault``, ``&name``, ``*alias``), comments, decorators and
# instance variables, so what follows the symbol is judged as a password of its own.
_SYMBOL_LEADS = "!#@&*"


def _password_ok(value: str) -> bool:
    if value[0] in _SYMBOL_LEADS and len(value) > 1 and value[1] not in _SYMBOL_LEADS:
        value = value[1:]
    return _not_reference(value) and not value.isalpha()


def _key_ok(value: str) -> bool:
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return _not_reference(value) and has_digit and has_alpha


def _basic_auth_ok(value: str) -> bool:
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    user, sep, password = decoded.partition(":")
    return bool(sep and user and len(password) >= 3 and decoded.isprintable())


def _assign(keywords: str, value: str) -> str:
    suffix = r"(?:[_.-]?(?:key|secret|value|token|string|str|b64|base64|hex))?"
    return rf"(?:{keywords}){suffix}{_SEPARATOR}(?P<value>{value}){_TERMINATOR}"


RULES = (
    secret(
        "generic-password",
        "PASSWORD",
        _assign(r"password|passwd|passphrase|passcode|pwd|[_.-]pass", rf"{_VALUE_CHARS}{{8,128}}"),
        positives=(
            "DB_PASSWORD=G50oIPyS3jX8TI!",
            "password: 'N7xwig2cb1fKP#q'",
            "{'smtp_pass': 'v9xSjUxSh3CuJ8'}",
            "export PGPASSWORD=DzPgKsDQv134PVaV",
            'password = "!Xk9#mQ2vL7p"',
            "smtp_password: '#secretP@ss'",
            'conn = connect(host, user, password="@Tz8kQ2mVp")',
            "psycopg2.connect(dbname='app', user='etl', password='R4tW8yZ1aB3c')",
            "mysql.connector.connect(user='scott', password='*Nq5vB8xL2', host='127.0.0.1')",
        ),
        negatives=(
            "password = os.environ['DB_PASSWORD']",
            "password: ${DB_PASSWORD}",
            'password="${DB_PASSWORD}"',
            "password=changeme123",
            'password = "changeme"',
            'password = "<password>"',
            'password = "****"',
            "password: ************",
            "password: xxxxxxxxxxxx",
            "password = getpass()",
            "password: Optional[str] = None",
            "PWD=/home/jane/projects",
            "password = settings.DATABASE_PASSWORD",
            "if password == user_input:",
            "connect(host, user, password=db_password)",
            'psycopg2.connect(password=os.getenv("PGPASSWORD"))',
            "password: !vault_lookup",
            "password: &db_password_anchor",
            "password: *default_password",
            "password = @db_password",
            "password: !ENV_DB_PASSWORD",
            "password: '!!python/name:getpass'",
        ),
        keywords=("pass", "pwd"),
        severity=Severity.HIGH,
        score=0.7,
        min_entropy=2.8,
        ignore_case=True,
        validator=_password_ok,
        description="Password assigned in code, configuration, env files or JSON.",
    ),
    secret(
        "generic-api-key",
        "API_KEY",
        _assign(
            r"api[_.-]?key|apikey|x-api-key|access[_.-]?key|app[_.-]?key|master[_.-]?key|license[_.-]?key",
            rf"{_TOKEN_CHARS}{{16,256}}",
        ),
        positives=(
            "api_key = 'hcGfOJ35lNntqI6Dwy6gRd2G8XdMJuJD'",
            "X-API-KEY: 0f33435ca7846c7c51d6922b3821821826d0f5fb",
            "apiKey: oEq_X_jQxALir8p-7jcgZXKH7q",
        ),
        negatives=(
            "api_key = process.env.API_KEY",
            "api_key: YOUR_API_KEY_HERE_1234",
            "api_key = ''",
            "apiKey: config.services.weather.apiKey",
            "api_key=abcdefghijklmnopqrstuvwxyz",
        ),
        keywords=("key",),
        severity=Severity.HIGH,
        score=0.7,
        min_entropy=3.3,
        ignore_case=True,
        validator=_key_ok,
        description="API key assigned in code, configuration, env files, headers or JSON.",
    ),
    secret(
        "generic-secret",
        "SECRET",
        _assign(
            r"secret|signing[_.-]?key|encryption[_.-]?key|hmac[_.-]?key|private[_.-]?key",
            rf"{_TOKEN_CHARS}{{16,256}}",
        ),
        positives=(
            "client_secret = '4h4pwqsJLanedF_IO3b138kNz0aWmkBs5pK6yjPR'",
            "SECRET_KEY=Kgzs0lu3KM5iLxhRcIeCyCwMruOPRFgT4STQpNUaEBiFrBpsSG",
            "jwt_secret: 093d39653b2ead2569fe2672d321abba378e9e8069cce41afa8c928db7f0b234",
            "private_key: a1f0cab57d7a83e9538112c586b2496c51391af5d32652cd005c9d694387e81b",
        ),
        negatives=(
            "client_secret = os.getenv('CLIENT_SECRET')",
            "SECRET_KEY=${DJANGO_SECRET_KEY}",
            "secret: <client-secret>",
            "secret_name: prod/db/credentials",
            "private_key: ~/.ssh/id_ed25519",
        ),
        keywords=("secret", "key"),
        severity=Severity.HIGH,
        score=0.7,
        min_entropy=3.3,
        ignore_case=True,
        validator=_key_ok,
        description="Client secret, signing or encryption key assigned in code or configuration.",
    ),
    secret(
        "generic-token",
        "TOKEN",
        _assign(r"token|auth|bearer", rf"{_TOKEN_CHARS}{{16,512}}"),
        positives=(
            "access_token = 'jwnKS-6w256zu-7cVTA-yweZzrbwL1Dmi3k3kyN4'",
            "AUTH_TOKEN=89FdvIpRdvwPi5E1wqfFZJyUBS85lW1u",
            "bot_token: ca3ab38975c1249317147468daf0a99c2935dd96c0fda12d",
        ),
        negatives=(
            "token = process.env.GITHUB_TOKEN",
            "auth_token: ${AUTH_TOKEN}",
            "token: xxxxxxxxxxxxxxxxxxxxxxxx",
            "tokenizer: bert-base-uncased",
            "token_type: bearer",
        ),
        keywords=("token", "auth", "bearer"),
        severity=Severity.HIGH,
        score=0.65,
        min_entropy=3.3,
        ignore_case=True,
        validator=_key_ok,
        description="Access, auth or bot token assigned in code or configuration.",
    ),
    secret(
        "authorization-bearer-token",
        "BEARER_TOKEN",
        r"\bbearer\s{1,3}(?P<value>[A-Za-z0-9_~+/.-]{20,4096}={0,2})(?:[^A-Za-z0-9_~+/.=-]|$)",
        positives=(
            "Authorization: Bearer Tbi0XstFmZNf6bUX6iiOc_FJ3RuUUb2SeYQygMbQ",
            "curl -H 'Authorization: bearer yym56whhzNDIjdEL9T6lTYMLkR4qTQHS' https://api.acme.io",
        ),
        negatives=(
            "Authorization: Bearer <token>",
            "Authorization: Bearer $ACCESS_TOKEN",
            "the bearer of this document",
        ),
        keywords=("bearer",),
        severity=Severity.HIGH,
        score=0.75,
        min_entropy=3.5,
        ignore_case=True,
        validator=_key_ok,
        description="Bearer token in an HTTP Authorization header.",
    ),
    secret(
        "authorization-basic-credentials",
        "BASIC_AUTH",
        r"\bbasic\s{1,3}(?P<value>[A-Za-z0-9+/]{8,1024}={0,2})(?:[^A-Za-z0-9+/=]|$)",
        positives=(
            "Authorization: Basic YWRtaW46U3VwM3JTM2NyM3Qh",
            "curl -H 'Authorization: Basic c3ZjLWV0bDpwNHNzdzByZC05OQ=='",
        ),
        negatives=(
            "Authorization: Basic <credentials>",
            "Basic authentication is enabled",
            "Basic dGVzdA==",
        ),
        keywords=("basic",),
        severity=Severity.HIGH,
        score=0.8,
        ignore_case=True,
        validator=_basic_auth_ok,
        description="HTTP Basic credentials (base64 of user:password).",
    ),
    secret(
        "url-basic-auth-password",
        "URL_PASSWORD",
        r"(?:\b|\\[nrt])(?:https?|ftps?|sftp|smtps?|imaps?|pop3s?|git|ssh|svn|ws|wss)://[^\s:/@'\"\\]{1,64}:(?P<value>[^\s@/'\"\\]{3,128})@[A-Za-z0-9_.-]{1,253}",
        positives=(
            "https://deploy:DUMPdfWIOUM3wRuf@git.acme.io/acme/app.git",
            "SMTP_URL=smtps://mailer:2OeSLiIf0Zw1@smtp.acme.io:465",
        ),
        negatives=(
            "https://user:pass@example.com",
            "https://git.acme.io/acme/app.git",
            "https://deploy:${GIT_PASSWORD}@git.acme.io",
        ),
        keywords=("://",),
        severity=Severity.HIGH,
        score=0.96,
        validator=_password_ok,
        description="Password embedded in an http/ftp/smtp/git URL.",
    ),
    secret(
        "url-query-secret",
        "URL_SECRET",
        r"[?&](?:access_token|api_key|apikey|api-key|auth_token|token|client_secret|secret|password|passwd|private_token|signature|sig)=(?P<value>[A-Za-z0-9%._~+/=-]{16,512})",
        positives=(
            "https://api.acme.io/v1/items?access_token=sVGyzBM0q02QmoXlfCRRFvpSj31gceOfzohnAnzB",
            "GET /export?format=csv&api_key=74L1GzVs5cUSs5MeHJlKbrZQboFRmX0R HTTP/1.1",
        ),
        negatives=(
            "https://api.acme.io/v1/items?token=YOUR_TOKEN_HERE",
            "https://acme.io/search?q=tokens&page=2",
            "https://api.acme.io/v1/items?access_token={{ token }}",
        ),
        keywords=("token", "api", "secret", "pass", "sig"),
        severity=Severity.HIGH,
        score=0.75,
        min_entropy=3.3,
        ignore_case=True,
        validator=_key_ok,
        description="Credential passed as a URL query parameter.",
    ),
    secret(
        "cli-secret-flag",
        "CLI_SECRET",
        (
            r"--(?:password|passwd|token|api-key|apikey|secret|client-secret|access-token|auth-token)(?:=|\s{1,3})['\"]?(?P<value>[^\s'\"`;|&\\]{8,256})",
            r"(?:\b|\\[nrt])sshpass\s{1,3}-p\s{0,3}['\"]?(?P<value>[^\s'\"`;|&\\]{4,128})",
        ),
        positives=(
            "docker login --password vp4FPujDA78O9HcP registry.acme.io",
            "sshpass -p 'L0J5mrqHNySh' ssh deploy@10.0.0.5",
            "gh auth login --token=cUOMCX9H3MPtzk2KV19xSWo1AYV53wImVSkycKoK",
        ),
        negatives=(
            "docker login --password-stdin",
            "mysql --password=$MYSQL_PWD",
            "cli --token <token>",
        ),
        keywords=(
            "--pass",
            "--token",
            "--api",
            "--secret",
            "--client-secret",
            "--access-token",
            "--auth-token",
            "sshpass",
        ),
        severity=Severity.HIGH,
        score=0.75,
        min_entropy=3.0,
        validator=_password_ok,
        description="Credential passed as a command-line argument (visible in shell history and ps).",
    ),
    secret(
        "netrc-password",
        "NETRC_PASSWORD",
        r"(?:\b|\\[nrt])machine(?:\s|\\[nrt]){1,8}[^\s'\"\\]{1,253}(?:\s|\\[nrt]){1,8}login(?:\s|\\[nrt]){1,8}[^\s'\"\\]{1,128}(?:\s|\\[nrt]){1,8}password(?:\s|\\[nrt]){1,8}(?P<value>[^\s'\"\\]{3,256})",
        positives=(
            "machine api.heroku.com login jane@acme.io password vdsrEZzG4A4XxtvPA7SjfHJI",
            "machine github.com\n  login jane\n  password rWdpK5DFznX88PIbHRC6",
        ),
        negatives=(
            "machine github.com login jane",
            "machine github.com login jane password $GH_TOKEN",
        ),
        keywords=("machine", "login", "password"),
        score=0.9,
        validator=_password_ok,
        description="Password in a .netrc entry.",
    ),
    secret(
        "password-hash",
        "PASSWORD_HASH",
        (
            r"(?:^|[^A-Za-z0-9$./]|\\[nrt])(?P<value>\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53})",
            r"(?:^|[^A-Za-z0-9$./]|\\[nrt])(?P<value>\$(?:1|5|6|apr1|y|gy|7)\$[./A-Za-z0-9=$]{8,200})",
        ),
        positives=(
            "admin:$2b$12$eh6EIAC8WloLDG0iSz8WCi2IksD00xqjUrD8PFbOm8u4O52hvtr15",
            "root:$6$MxWZYT7mIO71ZMRV$2mbRcr6Eaztli8Kv1znmcG5qoxasQEC6ZDYc0xMaf8lrkGxwflk70NhAvTMtFekiWI5vqnfHZN7tuk3JHjZCKn:19000:0:99999:7:::",
        ),
        negatives=("$2b$12$short", "price: $19.99", "$6$"),
        keywords=(
            "$2$",
            "$2a$",
            "$2b$",
            "$2x$",
            "$2y$",
            "$1$",
            "$5$",
            "$6$",
            "$7$",
            "$apr1$",
            "$y$",
            "$gy$",
        ),
        severity=Severity.HIGH,
        score=0.85,
        description="Unix crypt / bcrypt password hash (crackable offline).",
    ),
)
