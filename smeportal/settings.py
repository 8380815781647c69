"""Settings for the 银川中小企业公共综合服务窗口平台.

One module, driven by environment variables (see README.md for the list).
Defaults give a development site on an SQLite file; production sets
DATABASE_URL, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS and leaves DJANGO_DEBUG unset.
"""

import os
import shutil
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Our apps first so their templates override those of the packages below.
    "smeportal",  # project-wide management commands (load_demo)
    "accounts",
    "windows",
    "notifications",
    "certification",
    "services",
    "vouchers",  # issue 16: 服务券
    "orders",
    "demands",
    "complaints",
    "reviews",
    "reimbursements",  # issue 16: 兑付 of service vouchers
    "policies",  # issue 17: 政策法规 and 政策匹配
    "scorecards",  # issue 18: 服务机构信用档案 and the monthly rankings
    "supervision",
    "portal",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "captcha",
    "csp",
    "django.forms",
    "django_prometheus",  # issue 15: /metrics
]

MIDDLEWARE = [
    # Issue 15: the request id (from nginx's X-Request-ID) is known to every log line,
    # and Prometheus counts every request, health checks included.
    "smeportal.observability.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # First after those, so /healthz answers without sessions, database or anything else.
    "smeportal.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "smeportal.urls"
WSGI_APPLICATION = "smeportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "notifications.context_processors.unread_count",
                "accounts.context_processors.center_menu",
                "portal.context_processors.site_settings",
                "smeportal.accessibility.context",
            ],
        },
    },
]

FORM_RENDERER = "smeportal.forms.SiteFormRenderer"

# Database: SQLite file by default so `make run` works anywhere; DATABASE_URL
# (postgres://...) for production and CI.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions: Redis when REDIS_URL is set, the database otherwise. The
# cache must be shared between processes: login throttling counts in it.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Anonymous visitors of 找服务, 找机构, 需求大厅 and the home page get a stored copy
# for at most this many seconds; writes invalidate it at once (smeportal/pagecache.py).
# 0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:center"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: username login, e-mail optional, captcha on login and signup.
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_USERNAME_VALIDATORS = "accounts.validators.USERNAME_VALIDATORS"
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.CaptchaLoginForm",
    "reset_password": "accounts.forms.CaptchaResetPasswordForm",
}
# Failed logins (the admin login goes through the same form): at most 20 a minute
# from one client address, enough for a company behind one NAT. No per-username
# lockout, which would let anyone keep an owner out; instead an address that fails
# LOGIN_SLOWDOWN_AFTER times for one username waits 15 s, 30 s, ... up to 2 minutes
# before it may try that username again (accounts/throttling.py).
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("LOGIN_FAILED_RATE_LIMIT", "20/m/ip"),
}
LOGIN_SLOWDOWN_AFTER = env_int("LOGIN_SLOWDOWN_AFTER", 5)
LOGIN_SLOWDOWN_BASE_SECONDS = 15
LOGIN_SLOWDOWN_MAX_SECONDS = 120
# Client addresses come from X-Forwarded-For behind this many proxies of ours
# (1 behind one nginx); 0 takes the connecting address.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

# django-simple-captcha. Test mode (the answer PASSED) only for automated tests;
# a deploy check warns when it is on.
CAPTCHA_TEST_MODE = env_bool("CAPTCHA_TEST_MODE")
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 10
CAPTCHA_IMAGE_SIZE = (120, 44)
CAPTCHA_FONT_SIZE = 30
CAPTCHA_FLITE_PATH = shutil.which("flite")  # audio captcha where flite is installed

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Licences, certificates and attachments: never served by URL, only through
# views that check who asks (smeportal.uploads.serve_private_file).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Sizes of what users send (smeportal.uploads, smeportal.tabular, smeportal.upload_limits).
# Form fields without files: 2.5 MB is far above any text field's max_length.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_DATA_UPLOAD_MAX_BYTES", 2_621_440)
# The largest request the portal takes is a form with 5 attachments of 20 MB:
# a larger Content-Length is refused (413) before a byte of the body is read.
REQUEST_BODY_MAX_BYTES = env_int("DJANGO_REQUEST_BODY_MAX_MB", 104) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "smeportal.upload_limits.RequestBodyLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# ZIP-based attachments (.docx .xlsx .pptx .odt .zip...) and imported workbooks:
# what they may unpack to, checked from their table of contents before storing.
ARCHIVE_MAX_UNCOMPRESSED_BYTES = env_int("ARCHIVE_MAX_UNCOMPRESSED_MB", 100) * 1024 * 1024
ARCHIVE_MAX_RATIO = env_int("ARCHIVE_MAX_RATIO", 100)
ARCHIVE_MAX_ENTRIES = env_int("ARCHIVE_MAX_ENTRIES", 10_000)
# Imports (certification's institutions, supervision's historical reports).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 5) * 1024 * 1024

# E-mail: the console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@smeportal.local")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=1.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Browser features the portal never uses, switched off for every page (and for
# anything injected into one).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
SECURE_REFERRER_POLICY = "same-origin"

# Strict Content-Security-Policy: our own scripts and styles only, no inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}


# Logging: one JSON object a line (python-json-logger) unless DJANGO_LOG_FORMAT=text
# (the default with debug on); every line carries the request id, in Celery tasks too.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "smeportal.observability.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint (the 兑付材料 PDF) logs every layout step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Timers (python manage.py run_timers, from cron): days before the system acts.
ORDER_ACCEPT_DAYS = env_int("ORDER_ACCEPT_DAYS", 3)  # 待受理 not accepted → 已失效
ORDER_CHECK_DAYS = env_int("ORDER_CHECK_DAYS", 7)  # 已完成 not checked → 已验收
ORDER_CANCEL_ANSWER_DAYS = env_int("ORDER_CANCEL_ANSWER_DAYS", 3)  # unanswered cancellation → 已取消
# 服务券 (issue 16): an enterprise whose accepted voucher orders, at least this many, all
# went to one institution is flagged on the 兑付申请 (a collusion signal).
VOUCHER_SINGLE_INSTITUTION_MIN_ORDERS = env_int("VOUCHER_SINGLE_INSTITUTION_MIN_ORDERS", 3)
# 企业运行数据填报: a month's report is due on this day of the next month.
SUPERVISION_REPORT_DUE_DAY = env_int("SUPERVISION_REPORT_DUE_DAY", 10)
COMPLAINT_WINDOW_DAYS = env_int("COMPLAINT_WINDOW_DAYS", 30)  # 【投诉】 on 已验收 orders for this long
COMPLAINT_REPLY_DAYS = env_int("COMPLAINT_REPLY_DAYS", 3)  # no reply from the institution → escalated
# 中标公示 (issue 18): how long the chosen winner is published before its order is made,
# in working days (Saturdays and Sundays skipped); windows with award_publicity off skip it.
DEMAND_AWARD_PUBLICITY_WORKING_DAYS = env_int("DEMAND_AWARD_PUBLICITY_WORKING_DAYS", 3)
# 服务机构信用档案 (issue 18): fewer orders than this in the last 12 months show 样本不足
# instead of a 综合评分 and never rank; a catalogue order (which has no expected date)
# counts as on time when confirmed completed within this many days of acceptance;
# each category of a monthly window ranking lists at most this many institutions.
SCORECARD_MIN_ORDERS = env_int("SCORECARD_MIN_ORDERS", 5)
SCORECARD_SERVICE_DAYS = env_int("SCORECARD_SERVICE_DAYS", 30)
SCORECARD_RANKING_SIZE = env_int("SCORECARD_RANKING_SIZE", 10)

# The address people reach the site at, for links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")


# --- Several machines (issue 15): Celery, private files, storage, metrics ----------
# Kept in one block so that it merges cleanly; README "Several machines" and
# docs/deployment.md say how the pieces fit.

# Celery with Redis as broker. Without CELERY_BROKER_URL (make run, the tests) tasks
# run eagerly, in the process, after the commit that queued them.
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("CELERY_BROKER_URL")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://"
CELERY_TASK_ACKS_LATE = True  # a task is acknowledged when done, not when taken
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a killed worker's task goes back to the queue
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the LOGGING above, JSON lines with the request id
CELERY_TIMEZONE = TIME_ZONE
# A task taken by a worker that died (power, kill -9) is given to another worker after
# this many seconds; longer than any task runs.
# Workers look for such tasks at start and every CELERY_UNACKED_RESTORE_INTERVAL seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 60),
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Timers: a static schedule (no django-celery-beat tables); `manage.py run_timers` does
# the same from cron.
CELERY_BEAT_SCHEDULE = {
    "run-timers": {
        "task": "smeportal.tasks.run_timers",
        "schedule": env_int("TIMERS_EVERY_SECONDS", 300),
        "options": {"expires": env_int("TIMERS_EVERY_SECONDS", 300)},
    },
}
# Notification e-mail: retried on SMTP failures, waiting this many seconds, doubling
# (with jitter), at most an hour between tries, for this many tries.
NOTIFICATION_EMAIL_RETRY_BACKOFF = env_int("NOTIFICATION_EMAIL_RETRY_BACKOFF", 60)
NOTIFICATION_EMAIL_MAX_RETRIES = env_int("NOTIFICATION_EMAIL_MAX_RETRIES", 12)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# Private files: behind nginx (DJANGO_SENDFILE=nginx) Django checks permissions and
# answers with X-Accel-Redirect to the internal location /_private/; nginx sends the
# file. Otherwise Django streams it (make run, the tests).
SENDFILE_ROOT = str(PRIVATE_MEDIA_ROOT)
SENDFILE_URL = "/_private"
SENDFILE_BACKEND = "django_sendfile.backends.nginx" if os.environ.get("DJANGO_SENDFILE") == "nginx" else ""

# Public media on S3-compatible storage (django-storages) when a bucket is named;
# otherwise MEDIA_ROOT, which several app servers share over NFS.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": None,
            "querystring_auth": False,
        },
    }

# Prometheus (django-prometheus): database and cache calls counted through its wrappers.
# /metrics answers only addresses in METRICS_ALLOWED_NETWORKS (the real client address,
# after DJANGO_TRUSTED_PROXY_COUNT proxies); nginx refuses it from outside as well.
_PROMETHEUS_ENGINES = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}
DATABASES["default"]["ENGINE"] = _PROMETHEUS_ENGINES.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "smeportal.metrics.CountingRedisCache"
SECURE_REDIRECT_EXEMPT = [*SECURE_REDIRECT_EXEMPT, r"^metrics$"]  # scraped over the internal network
METRICS_ALLOWED_NETWORKS = env_list(
    "METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16"
)

# A PostgreSQL read replica (docs/deployment.md, step 3), off by default: pages marked
# @replica_reads (smeportal/db_router.py) read from it, everything else from default.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_ENABLED = bool(DATABASE_REPLICA_URL)
if DATABASE_REPLICA_ENABLED:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["replica"]["ENGINE"] = DATABASES["default"]["ENGINE"]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["smeportal.db_router.ReplicaRouter"]
