"""Database connection strings with an inline password (the ``value`` is the password only)."""

from __future__ import annotations

from clearance.detection.secrets._rule import secret, token

# Values that documentation and templates put where the password goes.
_TEMPLATE_PASSWORDS = frozenset(
    {"password", "passwd", "pass", "pwd", "pw", "secret", "user", "username", "root", "admin"}
)


def _real_password(value: str) -> bool:
    """Rejects templated, masked or variable passwords (``$DB_PASS``, ``%s``, ``****``)."""
    if value.lower() in _TEMPLATE_PASSWORDS:
        return False
    if value[0] in "$%{[*:" or "***" in value or "%(" in value:
        return False
    return not (value.isupper() and "_" in value)  # an env-var name such as DB_PASSWORD


# URI rules score above the PII e-mail detector, which would otherwise claim "password@host".


def _uri(schemes: str) -> str:
    """``scheme://user:password@host`` where ``user`` may be empty (``redis://:pw@host``)."""
    return (
        rf"(?:\b|\\[nrt])(?:{schemes})://[^\s:/@'\"\\]{{0,64}}:(?P<value>[^\s@/'\"\\]{{1,128}})"
        r"@[A-Za-z0-9_.\[\]-]{1,253}"
    )


RULES = (
    secret(
        "postgres-uri-password",
        "DATABASE_PASSWORD",
        _uri(r"postgres(?:ql)?(?:\+[a-z0-9]{1,16})?|cockroachdb|timescaledb|redshift"),
        positives=(
            "postgres://app:SG3PgnDMhCKS07Xc@db.internal:5432/app",
            "DATABASE_URL=postgresql+psycopg2://svc_etl:Qv7!rdaF0XWAIk@10.0.3.12/warehouse",
        ),
        negatives=(
            "postgres://user:password@localhost:5432/db",
            "postgresql://app:${DB_PASSWORD}@db/app",
            "postgres://localhost:5432/db",
            "postgresql://app:<password>@db.internal/app",
        ),
        score=0.97,
        keywords=("postgres", "cockroachdb", "timescaledb", "redshift"),
        validator=_real_password,
        description="PostgreSQL-compatible connection URI with an inline password.",
    ),
    secret(
        "mysql-uri-password",
        "DATABASE_PASSWORD",
        _uri(r"mysql(?:x)?(?:\+[a-z0-9]{1,16})?|mariadb(?:\+[a-z0-9]{1,16})?"),
        positives=(
            "mysql://root:MxN7z899jBIsPy@127.0.0.1:3306/shop",
            "SQLALCHEMY_DATABASE_URI=mysql+pymysql://web:NDUDUi7DrmKm@mysql.prod/web",
        ),
        negatives=(
            "mysql://root:root@localhost/test",
            "mysql://web:%s@mysql.prod/web",
            "mysql://mysql.prod:3306/web",
        ),
        score=0.97,
        keywords=("mysql", "mariadb"),
        validator=_real_password,
        description="MySQL / MariaDB connection URI with an inline password.",
    ),
    secret(
        "mongodb-uri-password",
        "DATABASE_PASSWORD",
        _uri(r"mongodb(?:\+srv)?"),
        positives=(
            "mongodb+srv://app:rWzdZrW87sdQxVK3iGNE@cluster0.ab1cd.mongodb.net/prod",
            "MONGO_URL=mongodb://admin:5VFSlsLQDUM3@mongo-0:27017,mongo-1:27017/?replicaSet=rs0",
        ),
        negatives=(
            "mongodb://localhost:27017/test",
            "mongodb+srv://<username>:<password>@cluster0.mongodb.net",
            "mongodb://app:****@mongo-0/db",
        ),
        score=0.97,
        keywords=("mongodb",),
        validator=_real_password,
        description="MongoDB connection URI with an inline password.",
    ),
    secret(
        "redis-uri-password",
        "DATABASE_PASSWORD",
        _uri(r"rediss?|valkey"),
        positives=(
            "redis://:3ptDaxbdvyvuNZddCct2PCRX@cache.internal:6379/0",
            "REDIS_URL=rediss://default:powWIIKRHeVPFvRNOzoB0Y0NFlLIT3RJ@redis-123.cloud.redislabs.com:16379",
        ),
        negatives=(
            "redis://localhost:6379/0",
            "redis://:${REDIS_PASSWORD}@cache:6379",
            "redis://default:password@cache:6379",
        ),
        score=0.97,
        keywords=("redis", "valkey"),
        validator=_real_password,
        description="Redis connection URI with an inline password.",
    ),
    secret(
        "amqp-uri-password",
        "DATABASE_PASSWORD",
        _uri(r"amqps?"),
        positives=(
            "amqp://worker:W8xwxg4iT2nOFxvH@rabbitmq:5672/vhost",
            "CELERY_BROKER_URL=amqps://svc:eEHvSX3Vw6XKRcj14ILx@b-1.mq.us-east-1.amazonaws.com:5671",
        ),
        negatives=(
            "amqp://guest:guest@localhost:5672//",
            "amqp://rabbitmq:5672",
            "amqp://worker:$RABBIT_PASS@rabbitmq",
        ),
        score=0.97,
        keywords=("amqp",),
        validator=lambda v: _real_password(v) and v.lower() != "guest",
        description="AMQP (RabbitMQ) connection URI with an inline password.",
    ),
    secret(
        "mssql-uri-password",
        "DATABASE_PASSWORD",
        _uri(r"mssql(?:\+[a-z0-9]{1,16})?|sqlserver|oracle(?:\+[a-z0-9]{1,16})?|db2"),
        positives=(
            "mssql+pyodbc://sa:DpsMUeuf596uob78@sql01.corp.local/erp",
            "oracle://scott:zlXrLYpkP3Qw@ora.corp.local:1521/ORCL",
        ),
        negatives=(
            "mssql://sql01.corp.local/erp",
            "oracle://scott:tiger@localhost",
            "mssql://sa:<password>@sql01",
        ),
        score=0.97,
        keywords=("mssql", "sqlserver", "oracle", "db2"),
        validator=lambda v: _real_password(v) and v.lower() != "tiger",
        description="SQL Server / Oracle / Db2 connection URI with an inline password.",
    ),
    secret(
        "database-uri-password",
        "DATABASE_PASSWORD",
        _uri(
            r"clickhouse|neo4j(?:\+s|\+ssc)?|bolt|couchdb|cassandra|influxdb|snowflake|memcached|nats|kafka|ldaps?"
        ),
        positives=(
            "clickhouse://default:VKgt4QnZYjVG5zWi@ch.internal:9000/events",
            "NEO4J_URI=neo4j+s://neo4j:4oEvL1BLtvZcg39oS2aY@abcd1234.databases.neo4j.io",
        ),
        negatives=(
            "clickhouse://ch.internal:9000/events",
            "neo4j://neo4j:password@localhost:7687",
            "ldap://ldap.corp.local:389",
        ),
        score=0.97,
        keywords=(
            "clickhouse",
            "neo4j",
            "bolt",
            "couchdb",
            "cassandra",
            "influxdb",
            "snowflake",
            "memcached",
            "nats",
            "kafka",
            "ldap",
        ),
        validator=_real_password,
        description="Other database / broker / directory URI with an inline password.",
    ),
    secret(
        "jdbc-password",
        "DATABASE_PASSWORD",
        (
            r"jdbc:[a-z0-9:]{2,30}//[^\s'\"\\]{1,200}?[?;&](?:password|pwd)=(?P<value>[^&;\s'\"\\]{1,128})",
            r"jdbc:oracle:thin:[^/\s@:'\"\\]{1,64}/(?P<value>[^@\s'\"\\]{1,128})@",
        ),
        positives=(
            "jdbc:postgresql://db.internal:5432/app?user=app&password=efNuyX4ZYuyzHKuT",
            "jdbc:sqlserver://sql01:1433;databaseName=erp;user=sa;password=HAh60Is6XYAzOm;encrypt=true",
            "jdbc:oracle:thin:scott/9s2SoQN9NU4W@ora.corp.local:1521:ORCL",
        ),
        negatives=(
            "jdbc:postgresql://db.internal:5432/app?user=app",
            "jdbc:mysql://db/app?user=app&password=${DB_PASSWORD}",
            "jdbc:sqlserver://sql01:1433;databaseName=erp;integratedSecurity=true",
        ),
        score=0.97,
        keywords=("jdbc:",),
        ignore_case=True,
        validator=_real_password,
        description="JDBC URL with a password parameter or inline Oracle credentials.",
    ),
    secret(
        "odbc-password",
        "DATABASE_PASSWORD",
        r"(?:^|[;\s'\"]|\\[nrt])(?:password|pwd)\s{0,3}=\s{0,3}(?P<value>[^;'\"\s\\]{1,128})",
        positives=(
            "Server=tcp:sql01.database.windows.net,1433;Database=erp;User ID=app;Password=CwdG194TTzREZK7W;Encrypt=True;",
            "Driver={ODBC Driver 18 for SQL Server};Server=sql01;UID=sa;PWD=LABS7QTrAX5s;",
        ),
        negatives=(
            "Server=sql01;Database=erp;Trusted_Connection=True;",
            "Server=sql01;Database=erp;User ID=app;Password=${SQL_PASSWORD};",
            "password=uVlVuolhexmqn9i6",
        ),
        keywords=("password", "pwd"),
        ignore_case=True,
        validator=_real_password,
        context=(
            "server=",
            "data source=",
            "database=",
            "uid=",
            "user id=",
            "initial catalog=",
            "driver=",
        ),
        requires_context=True,
        description="ADO.NET / ODBC connection string password.",
    ),
    secret(
        "planetscale-token",
        "DATABASE_PASSWORD",
        token(r"pscale_(?:tkn|oauth|pw)_[A-Za-z0-9_=.-]{32,64}"),
        positives=(
            "pscale_pw_gTvNlTog6KF-nV8K_pPXXYJbD_hKL1Aajm8P5nrqPVb",
            "PLANETSCALE_SERVICE_TOKEN=pscale_tkn_ASzl-KXrwei3FcTZ4Bz3vXakjbG7tuubNLpPXa8yPjs",
        ),
        negatives=(
            "pscale_pw_cShVZOJPs9",
            "pscale_xyz_0oehnkm4GXakboRUV1AbP_KnFrf_X447K8k0PNECDtk",
        ),
        keywords=("pscale_pw_", "pscale_tkn_", "pscale_oauth_"),
        description="PlanetScale database password, service token or OAuth token.",
    ),
)
