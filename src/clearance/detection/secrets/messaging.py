"""Chat, e-mail, SMS and notification service credentials and webhooks."""

from __future__ import annotations

from clearance.core.severity import Severity
from clearance.detection.secrets._rule import UUID, keyed, secret, token

RULES = (
    secret(
        "slack-bot-token",
        "SLACK_TOKEN",
        # workspace and bot user ids: 10-13 digits today, shorter in older workspaces
        token(r"xoxb-[0-9]{6,13}-[0-9]{6,13}-[A-Za-z0-9]{24}"),
        positives=(
            "xoxb-994711068592-7327104600213-LPOXcSqGN5q44Hsayhxvbwhn",
            "SLACK_BOT_TOKEN=xoxb-05147377444-059730895856-o0K8ZyyUJZIUoWj1lWbpKo3r",
            "slack_token = 'xoxb-48151623-91827364-Qw3rTy7uIoP2aSd5fGh8jKlZ'",
        ),
        negatives=(
            "xoxb-577932517216-6203800094287-IqKTr4JJL8",
            "xoxb-xxxxxxxxxx-xxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx",
            "xoxb-1234-5678-Qw3rTy7uIoP2aSd5fGh8jKlZ",
        ),
        keywords=("xoxb-",),
        description="Slack bot token.",
    ),
    secret(
        "slack-legacy-bot-token",
        "SLACK_TOKEN",
        # before 2017 a bot token held one id: xoxb-<bot id>-<18 to 26 characters>
        token(r"xoxb-[0-9]{8,14}-[A-Za-z0-9]{18,26}"),
        positives=(
            "xoxb-263594206564-2kTUHsRvHLmXh8ZqJ3Pn0aWc",
            "SLACK_API_TOKEN=xoxb-45230958323-vQpS8mZcL2nR4tWx7yK0aBdE",
        ),
        negatives=(
            "xoxb-263594206564-2kTUHsRvHL",
            "xoxb-45230958323-xxxxxxxxxxxxxxxxxxxxxxxx",
            "xoxb-1234567-vQpS8mZcL2nR4tWx7yK0aBdE",
        ),
        keywords=("xoxb-",),
        min_entropy=3.0,
        description="Slack legacy bot token (one numeric id).",
    ),
    secret(
        "slack-user-token",
        "SLACK_TOKEN",
        # three ids (workspace, user, token): 10-13 digits today, shorter in older workspaces
        token(r"xox[pe](?:-[0-9]{6,13}){3}-[A-Za-z0-9]{28,34}"),
        positives=(
            "xoxp-02537652716-687551521573-4041646777104-6a03298e51a6488ba7650b044db9e597",
            "token: xoxe-923101720703-143995376499-6769093918248-IPC495xRv9Ae4W1css1y9zkm7mAIfU",
            "SLACK_USER_TOKEN=xoxp-5847201958-5847302164-5847415290-9b1e3c4d5a6f70817e2d4c6b8a0f1e3d",
            "xoxp-4956125-4956127-38200431-1f2e3d4c5b6a79880f1e2d3c4b5a6978",
        ),
        negatives=(
            "xoxp-67781076191-310127186353-4086ffc37c51456e9087def5eec57a25",
            "xoxp-82194057228-442405069944-2631308120294-08151bd4d6",
            "xoxp-12345-67890-13579-9b1e3c4d5a6f70817e2d4c6b8a0f1e3d",
        ),
        keywords=("xoxp-", "xoxe-"),
        description="Slack user or enterprise token.",
    ),
    secret(
        "slack-app-token",
        "SLACK_TOKEN",
        token(r"xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,14}-[a-f0-9]{64}"),
        positives=(
            "xapp-1-UYI2LINO6WS-2551736256774-f923eb5383892c0fb4b858e3a8b6fd4b7cdbb76a151f92bd9ba6aa38583bc0fb",
            "SLACK_APP_TOKEN=xapp-1-BGIHRP7XDE-439499510697-bb9651b329b2663333b8587d204ae996243450353458d3136f0327d57752b752",
        ),
        negatives=("xapp-1-LPAIVCPZHZF-0466778775529-496c0a8f9de0ca4b1449", "xapp-token"),
        keywords=("xapp-",),
        description="Slack app-level token.",
    ),
    secret(
        "slack-legacy-token",
        "SLACK_TOKEN",
        token(r"xox[aors]-(?:[0-9]-)?[0-9A-Za-z]{8,64}(?:-[0-9A-Za-z]{8,64}){0,4}"),
        positives=(
            "xoxa-2-xXNwvWzvocGU3j4fQYQzEWrSpNz9gEaIpwziz0A4",
            "SLACK_TOKEN=xoxs-86949493509-518575251650-181962660953-5b6e373cde0e290a81786f25544caf77609f06e3faf591a709406eadaf019a0e",
        ),
        negatives=("xoxa-abc", "xoxq-Xa5dRIiD9LvjDIT1sfUGFUNTGvtp3OcYiJdPjGs5"),
        keywords=("xoxa-", "xoxo-", "xoxr-", "xoxs-"),
        description="Slack legacy workspace, refresh or session token.",
    ),
    secret(
        "slack-config-token",
        "SLACK_TOKEN",
        (
            token(r"xoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{160,170}"),
            token(r"xoxe-[0-9]-[A-Za-z0-9]{140,150}"),
        ),
        positives=(
            "xoxe.xoxp-1-iq1nnlH7wWjzlvZnA85RG24MvY0xaj57QoPdj0eMYB9fMKRdO3bLJ16uOGAkuKo6KCT8bxrLrgAvjua0odXTsdciEjs0GYIT4qSbuyBYrorxWrFhTcKrvUPWQbe857Gw1l68ilzErZgOZcuJqEXWlQ0a6IXyqR93kGm",
            "refresh_token: xoxe-1-pJlUznugHHiKyOFmqo95V24NNBVR2fp5b4tNnQlekjRdgQj1Cdn2fvg6Cs8a0bES02F9N2l8zJal2vKcdgSoRXOEDsr5QqSC7kgjRmgNKdLBDxumBCptpxuAhs1GHcAQJDBzGQYkHqBqFXVv4z",
        ),
        negatives=(
            "xoxe.xoxp-1-3yudDr44lKsJ18JRn6hshfutz0wQjKTkp205A1yx",
            "xoxe-1-ZdiycK9f5I5HUkJfkAiWQoId2lIQAOle81SlOz2k",
        ),
        keywords=("xoxe.xoxb-", "xoxe.xoxp-", "xoxe-"),
        description="Slack configuration access or refresh token.",
    ),
    secret(
        "slack-webhook-url",
        "SLACK_WEBHOOK",
        token(r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{40,120}"),
        positives=(
            "https://hooks.slack.com/services/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",
            "webhook: https://hooks.slack.com/workflows/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",
        ),
        negatives=(
            "https://hooks.slack.com/services/T0000/B0000",
            "https://api.slack.com/messaging/webhooks",
        ),
        keywords=("hooks.slack.com",),
        description="Slack incoming webhook or workflow trigger URL.",
    ),
    secret(
        "discord-bot-token",
        "DISCORD_TOKEN",
        token(r"[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}"),
        positives=(
            "MTkcF0TBzWBIdeGQ8eJttd0bmH.8O4-QD.WGJkDJNXTsKeWr2rvFtBPfldT8dFXGxXg3npgY",
            "DISCORD_TOKEN=ODuf7Xpz7lrkBGeIxOQXa5nK.85V-1U.dLyJcGJMBBE0bi4fXQbRoMkaafJ",
        ),
        negatives=(
            "MTgVfs_zAwBnT-2ORM6hJC8_Dh.Yscp5j.dzw5oY0u0x",
            "M.abcdef.ghijkl",
            "www.example.com.some.long.domain.name",
        ),
        keywords=(),  # no literal prefix: three base64url segments
        score=0.85,
        min_entropy=4.0,
        description="Discord bot token.",
    ),
    secret(
        "discord-webhook-url",
        "DISCORD_WEBHOOK",
        token(r"discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68}"),
        positives=(
            "https://discord.com/api/webhooks/837398810094357002/8n6MCORwSPlXLlDTMoa5YmhHx9rVQ-rF0muaXfFxSFL8FjI5_Z41PMFw20bSSkotHHXe",
            "DISCORD_WEBHOOK=https://discordapp.com/api/webhooks/4472089403277395611/EXUhXPjwBqkp-xh1gg2xurNix-Q_ZCZxe8JqdkTBkAV76jaBu02emG-dOZpN3pdc",
        ),
        negatives=(
            "https://discord.com/api/webhooks/702174386914292040/short",
            "https://discord.com/api/webhooks/{id}/{token}",
        ),
        keywords=("discord.com/api/webhooks", "discordapp.com/api/webhooks"),
        description="Discord webhook URL.",
    ),
    secret(
        "telegram-bot-token",
        "TELEGRAM_BOT_TOKEN",
        r"(?:^|[^0-9]|\\[nrt])(?P<value>[0-9]{8,10}:AA[A-Za-z0-9_-]{33})(?:[^A-Za-z0-9_-]|$)",
        positives=(
            "4767577760:AAmNUzeKIb4BlDrG5LPE2MvkmEw_TdMLaDS",
            "https://api.telegram.org/bot232148727:AAiduy2CN60uhP8dg7h3eDhR0zxdwg0iqt7/sendMessage",
        ),
        negatives=(
            "9659870458:ABoFjZqT25l1tpUF4IN_9b64DyOGt7JCnlP",
            "2670340135:AAX4aIuojimtRtWzG8Hb7v",
            "12:AAnsLA8H__sZhHqhpoc9kcHirKqhj8eMa8Y",
        ),
        keywords=(":aa",),
        score=0.9,
        description="Telegram bot API token.",
    ),
    secret(
        "twilio-api-key",
        "TWILIO_API_KEY",
        token(r"SK[0-9a-fA-F]{32}"),
        positives=(
            "SK733b1bf250e129abcfc5a34ac5d955d2",
            "TWILIO_API_KEY=SK639337e5649d58713ab9850cf9cb0e78",
        ),
        negatives=("SK3d70a0fa87ec9ee0477c", "SKU-99812-XL", "SKg0799pp0jcyb8dsk69iyqgmr6554wgb1z"),
        keywords=("sk",),
        score=0.85,
        min_entropy=3.2,
        description="Twilio API key SID (SK + 32 hex); the secret sits next to it.",
    ),
    secret(
        "twilio-account-sid",
        "TWILIO_ACCOUNT_SID",
        keyed(("twilio", "account_sid", "accountsid"), r"AC[a-f0-9]{32}"),
        positives=(
            "TWILIO_ACCOUNT_SID=AC46c99ba416c326c510e184a71ce9deb7",
            "twilio account: AC16660f9028f4b2028a674bbebf445a8f",
        ),
        negatives=(
            "ACa47dc958fa5f60fab81d6205a1b44fec",
            "TWILIO_ACCOUNT_SID=AC6aff56c1146773f1bc86",
        ),
        keywords=("twilio", "account_sid"),
        severity=Severity.HIGH,
        score=0.7,
        description="Twilio account SID, only next to a Twilio keyword.",
    ),
    secret(
        "twilio-auth-token",
        "TWILIO_AUTH_TOKEN",
        keyed(("twilio", "auth_token"), r"[a-f0-9]{32}"),
        positives=(
            "TWILIO_AUTH_TOKEN=84956df5a12062e5536e6164a25a09fa",
            "twilio token: 02fb4a6a49c08cbea90f9c0ca690b0c6",
        ),
        negatives=("TWILIO_AUTH_TOKEN=0603d988c3b23ba72cc0", "0209df57cb329b8e4a5bee833dd7d351"),
        keywords=("twilio",),
        score=0.85,
        min_entropy=3.2,
        description="Twilio auth token (32 hex) next to its name.",
    ),
    secret(
        "sendgrid-api-key",
        "SENDGRID_API_KEY",
        token(r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"),
        positives=(
            "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",
            "SENDGRID_API_KEY=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",
        ),
        negatives=(
            "SG.fBGbQNOE2vYZYA8UTw5QzS.LN-NxvVuwRMF2apsKkN7",
            "SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ),
        keywords=("sg.",),
        description="SendGrid API key.",
    ),
    secret(
        "mailgun-api-key",
        "MAILGUN_API_KEY",
        (
            keyed(("mailgun", "mg_api", "mg_key"), r"key-[a-f0-9]{32}"),
            r"\bapi:(?P<value>key-[a-f0-9]{32})\b",
            # requests' basic-auth tuple, as in Mailgun's Python samples: auth=("api", "key-...")
            r"\(\s{0,3}\\?['\"]api\\?['\"]\s{0,3},\s{0,3}\\?['\"]"
            r"(?P<value>key-[a-f0-9]{32}|[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8})\\?['\"]",
            keyed("mailgun", r"[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}"),
        ),
        positives=(
            "MAILGUN_API_KEY=key-fb32b1531a72aca96c432af2a3402901",
            "curl -s --user api:key-d82b42a0b3b166835d52a2c1ec576c12 https://api.mailgun.net/v3",
            "mailgun key: c162b84e76b045d4c42bef1a29b35803-b226e0ee-6aef5d79",
            'requests.post(url, auth=("api", "key-3f9a1c7e5b2d4068a9c1e7f3b5d20846"), data=msg)',
            "auth=('api', 'key-0c4e8a2f6b1d5937e0a4c8f2b6d1e5a9')",
            "auth = ('api', '5d7e9f1a3c5b7d9e1f3a5c7b9d1e3f5a-1a2b3c4d-5e6f7a8b')",
        ),
        negatives=(
            "key-5a3035ca09290af1793e894f69db323d",
            "MAILGUN_API_KEY=key-56b806165b4b81534db8",
            "MAILGUN_DOMAIN=mg.acme.io",
            'auth=("api", MAILGUN_API_KEY)',
            'auth=("api", "key-3f9a1c7e5b2d")',
        ),
        keywords=("mailgun", "key-", "api"),
        description="Mailgun private API key.",
    ),
    secret(
        "mailchimp-api-key",
        "MAILCHIMP_API_KEY",
        token(r"[a-f0-9]{32}-us[0-9]{1,2}"),
        positives=(
            "c6f019fe206691c71a2e2f0e4dd2d51d-us14",
            "MAILCHIMP_API_KEY=67e95889e90b31eeaa044e4f08dfccac-us6",
        ),
        negatives=(
            "133f4614016b79a5c088a8ae83815f83",
            "a5a5f1da7c258b314826-us14",
            "6247a00d06300c9cc778fffdcda6b7ce-eu1",
        ),
        keywords=("-us",),
        description="Mailchimp Marketing API key.",
    ),
    secret(
        "mandrill-api-key",
        "MANDRILL_API_KEY",
        keyed("mandrill", r"[A-Za-z0-9_-]{22}"),
        positives=(
            "MANDRILL_API_KEY=r4qANYbZISdx4ZsPCqnd4F",
            "mandrill key: KQrr2sQtTfyz6RhDC0Pmya",
        ),
        negatives=("MANDRILL_API_KEY=xEQiEND1OJ", "7f9u6qRMfXcET1ipydeO2S"),
        keywords=("mandrill",),
        score=0.85,
        min_entropy=3.5,
        description="Mailchimp Transactional (Mandrill) API key.",
    ),
    secret(
        "postmark-token",
        "POSTMARK_TOKEN",
        keyed("postmark", UUID),
        positives=(
            "POSTMARK_SERVER_TOKEN=4300c9d2-d616-0182-fb89-a851a1fe35d3",
            "X-Postmark-Server-Token: 5f113b5c-ff1b-8bf0-f669-475fd682ed2d",
        ),
        negatives=("d87151ef-5a98-4a80-ba6e-a48e5c395848", "POSTMARK_SERVER_TOKEN=<server-token>"),
        keywords=("postmark",),
        score=0.9,
        description="Postmark server or account token.",
    ),
    secret(
        "brevo-api-key",
        "BREVO_API_KEY",
        token(r"x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}"),
        positives=(
            "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",
            "SMTP_PASSWORD=xsmtpsib-ea294a5aa8ed37284aa9e04221f951f01473b9149ccb9f2124d99a3ed620e14f-lEY5RsAJHiGGlO6Y",
        ),
        negatives=(
            "xkeysib-754b6419250c3320bbe44de2601f1e5337f44ea2fbe320732ee43c6827dfaa62",
            "xkeysib-56c391de9340110b897b-JqH8qtUSxKo8VvKf",
        ),
        keywords=("xkeysib-", "xsmtpsib-"),
        description="Brevo (Sendinblue) API or SMTP key.",
    ),
    secret(
        "teams-webhook-url",
        "TEAMS_WEBHOOK",
        token(
            r"[a-z0-9-]{1,64}\.webhook\.office\.com/webhookb2/[a-f0-9-]{36}@[a-f0-9-]{36}/IncomingWebhook/[A-Za-z0-9]{32}/[a-f0-9-]{36}(?:/[A-Za-z0-9_-]{20,80})?"
        ),
        positives=(
            "https://acme.webhook.office.com/webhookb2/05f8fc91-2178-3e5f-aaa0-9578bb15e4c9@404a3cd5-68ad-b036-0819-56e2d2b494ff/IncomingWebhook/zbS7arvY1VxqnVCpZTQnSRGYlvO5gMqh/d70c2f5f-ec47-2224-c02d-336bbac2521c",
            "url: https://contoso.webhook.office.com/webhookb2/2cb28b0f-5287-e9d5-8607-747330c8f368@53fd03b6-1481-ca68-6f2b-94d31784fa5c/IncomingWebhook/XKzrcvEulkZOK40NPetAsy80bvd0qQ8U/0d855978-811b-b9ff-c22a-1f7e6b73cfc5/V2FaQo2k8JWm9gY7o9p0LqruUdR0Iza6dX_1lT069b",
        ),
        negatives=(
            "https://acme.webhook.office.com/webhookb2/",
            "https://outlook.office.com/mail/inbox",
        ),
        keywords=("webhook.office.com",),
        description="Microsoft Teams incoming webhook URL.",
    ),
    secret(
        "google-chat-webhook-url",
        "GOOGLE_CHAT_WEBHOOK",
        r"chat\.googleapis\.com/v1/spaces/[A-Za-z0-9_-]{8,20}/messages\?key=[A-Za-z0-9_-]{20,60}&token=(?P<value>[A-Za-z0-9_%=-]{40,100})",
        positives=(
            "https://chat.googleapis.com/v1/spaces/AAAADLQgoGm/messages?key=AIzanuZ2YwbM9z12gywO721nrqf_KkeF53J1O6V&token=aRzNlGhSrQVzOxyhAd_XwT9pq7kgE6Lh6HHl2BKn6y9%3D",
            "GCHAT_HOOK=https://chat.googleapis.com/v1/spaces/FqQEI2-VEYG/messages?key=AIza6i8TNXc8LIuKu02hXuYSm9DaGugYxmWkpCv&token=erNdETz4p72xUMl_1IqLsBl4qC79goTBLIaDawItak7",
        ),
        negatives=(
            "https://chat.googleapis.com/v1/spaces/AAAA/messages",
            "https://chat.googleapis.com/v1/spaces/kKZVAZD26jp/messages?key=AIzaOAEjoMcuc4sgsWU-I3f7bo25jzxAM-5CF3X&token=short",
        ),
        keywords=("chat.googleapis.com",),
        description="Google Chat incoming webhook URL (the token parameter).",
    ),
    secret(
        "intercom-access-token",
        "INTERCOM_TOKEN",
        keyed("intercom", r"[A-Za-z0-9+/=_-]{59,70}", end=r"(?:[^A-Za-z0-9+/=_-]|$)"),
        positives=(
            "INTERCOM_ACCESS_TOKEN=dG9rOj4Y9TDaHP38EKSWCzS13aIJib4oD5X7aOLoA_gr8HNOwGcf6Bpoa5NtSG7l=",
            "intercom token: dG9rOjmB0hk-KtWBGRw11eaXRjpi71fKVoIRJ7KxGXOzzJEuIfuvvXQK64OJ9J",
        ),
        negatives=(
            "INTERCOM_ACCESS_TOKEN=dG9rOj8VW9QP6U-I",
            "dG9rOjE9Dsd9SqhCIJi35qh-6J_n33c62W5yBOxj5_9z4TmvrDgoGVyOXcs3IQI8=",
        ),
        keywords=("intercom",),
        score=0.9,
        min_entropy=4.0,
        description="Intercom access token.",
    ),
    secret(
        "zendesk-api-token",
        "ZENDESK_TOKEN",
        keyed("zendesk", r"[A-Za-z0-9]{40}"),
        positives=(
            "ZENDESK_API_TOKEN=vwzzJu834wF16ebDpglAPi6zDuHkmgwZ0S4EuE8m",
            "zendesk token: 0VXrrHUr89alfJQw9gEVOCEtjLBVe0BmHiN20Wnk",
        ),
        negatives=(
            "ZENDESK_API_TOKEN=KrMKeT3w7khld6pAiKmC",
            "iHUiP2UrlcofyxlklvkQqNJlISunTIiC1sQPcoZ5",
        ),
        keywords=("zendesk",),
        score=0.9,
        min_entropy=4.0,
        description="Zendesk API token.",
    ),
    secret(
        "vonage-api-secret",
        "VONAGE_API_SECRET",
        keyed(("vonage", "nexmo"), r"[A-Za-z0-9]{16}"),
        positives=("VONAGE_API_SECRET=lLVj9wZ8FqFVfbPH", "nexmo secret: fsTK697KBZZnyyAy"),
        negatives=(
            "VONAGE_API_SECRET=T9rjqxZe",
            "rTSmZYBQWZB0EnBz",
            "VONAGE_API_SECRET=aaaaaaaaaaaaaaaa",
        ),
        keywords=("vonage", "nexmo"),
        score=0.8,
        min_entropy=3.2,
        description="Vonage (Nexmo) API secret.",
    ),
    secret(
        "twitter-bearer-token",
        "TWITTER_BEARER_TOKEN",
        token(r"A{20}[A-Za-z0-9%]{80,150}", r"(?:[^A-Za-z0-9%_-]|$)"),
        positives=(
            "AAAAAAAAAAAAAAAAAAAAAr4gOBkROg1JmvP23wzKMNxQXrSc6FU%3DmZpODXr1kCrfPGFyOLGgwqfbHcKimfGv6TFtdJC9xontMnrPGQCAWKn7oPu4",
            "TWITTER_BEARER_TOKEN=AAAAAAAAAAAAAAAAAAAAAAuFPhbsYxTMy1RgVayAug1Yb085m6ficyhiEgqM7gFfg3AFQtmCpx7dnb5q7dLrF9UDEqZpBRHlLRXdRlqVDr77NQgA",
        ),
        negatives=(
            "AAAAAAAAAAAAAAAAAAAAAAr8G8yewNwfggM43QMlMG",
            "AAAAAAAAAAAAAAAAAAAA",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ),
        keywords=("aaaaaaaaaaaaaaaaaaaa",),
        description="Twitter / X API v2 app bearer token.",
    ),
)
