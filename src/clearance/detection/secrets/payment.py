"""Payment, commerce and fintech credentials."""

from __future__ import annotations

from clearance.core.severity import Severity
from clearance.detection.secrets._rule import UUID, keyed, secret, token

RULES = (
    secret(
        "stripe-secret-key",
        "STRIPE_SECRET_KEY",
        token(r"sk_live_[A-Za-z0-9]{24,247}"),
        positives=(
            "sk_live_igywDhLHsDMKsM5q0svXUviD",
            "STRIPE_SECRET_KEY=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",
        ),
        negatives=(
            "sk_live_PaI7JuKTbv",
            "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "sk_test_GIwMdr5xwninoYmp5b2im26x",
        ),
        keywords=("sk_live_",),
        description="Stripe live secret key.",
    ),
    secret(
        "stripe-restricted-key",
        "STRIPE_SECRET_KEY",
        token(r"rk_live_[A-Za-z0-9]{24,247}"),
        positives=(
            "rk_live_cM95wpwy5wNCD0ACYYfrGuOi",
            "stripe.api_key = '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'",
        ),
        negatives=("rk_live_EoNgqJcrns4d", "rk_live_XXXXXXXXXXXXXXXXXXXXXXXX"),
        keywords=("rk_live_",),
        description="Stripe live restricted key.",
    ),
    secret(
        "stripe-test-key",
        "STRIPE_TEST_KEY",
        token(r"[sr]k_test_[A-Za-z0-9]{24,247}"),
        positives=(
            "sk_test_T1XZUynovF1PKg7k3UGk1uat",
            "STRIPE_KEY=rk_test_UBHV4nXCxmq3BUsuat7w42gMtV2g8vDZz8vecfODSJToRUYHAgxgJzep6fH1WtLduhRIGPuGQT2XFt5XumBuKXWXgHBcsHHBKjo",
        ),
        negatives=(
            "sk_test_vA78EhQ6lO",
            "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx",
            "pk_test_PgtY2qU6uMd0p2W3jpB0NJkJ",
        ),
        keywords=("sk_test_", "rk_test_"),
        severity=Severity.HIGH,
        score=0.9,
        description="Stripe test-mode secret or restricted key.",
    ),
    secret(
        "stripe-publishable-key",
        "STRIPE_PUBLISHABLE_KEY",
        token(r"pk_live_[A-Za-z0-9]{24,247}"),
        positives=(
            "pk_live_1NI86mCtB8vUyXFb7jsqPraA",
            "Stripe('pk_live_iaqglhfznDOdXDl40TLwgDoFVeeABIXKAqao8TY2Ut1zylRoihbwwpeXbpLVCv9Tb784uphJh2iuNj770l7KTxBGejtvC2ZsQG4')",
        ),
        negatives=("pk_live_ziYyjm6lL2", "pk_live_xxxxxxxxxxxxxxxxxxxxxxxx"),
        keywords=("pk_live_",),
        severity=Severity.MEDIUM,
        score=0.9,
        description="Stripe live publishable key (public by design, still worth flagging).",
    ),
    secret(
        "stripe-webhook-secret",
        "STRIPE_WEBHOOK_SECRET",
        token(r"whsec_[A-Za-z0-9+/]{32,64}={0,2}"),
        positives=(
            "whsec_GMcoR0hpP7AHKpGLjTJqaRPHESOJn7ZE",
            "STRIPE_WEBHOOK_SECRET=whsec_pkbCuO42ZDLJjOAVFjiNa8BWPLpXDK827FEoXHa9",
        ),
        negatives=("whsec_lOrpst1VqgS8", "whsec_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        keywords=("whsec_",),
        description="Stripe (or Svix) webhook signing secret.",
    ),
    secret(
        "square-access-token",
        "SQUARE_ACCESS_TOKEN",
        (token(r"EAAA[A-Za-z0-9_-]{60}"), token(r"sq0atp-[A-Za-z0-9_-]{22}")),
        positives=(
            "EAAAZFR2bV7x8O7-z7pGq5TDZRu_u1LllmPYw5opODyQ_F_qnbsoZxDCKYmgiXwY",
            "SQUARE_ACCESS_TOKEN=sq0atp-HMB8-oWiJIKNkINRayNmFO",
        ),
        negatives=("EAAAHin30LTBDwObNEtE1sAcWD-BaPNabs", "sq0atp-ghluonIIEK"),
        keywords=("eaaa", "sq0atp-"),
        description="Square production access token.",
    ),
    secret(
        "square-oauth-secret",
        "SQUARE_OAUTH_SECRET",
        token(r"sq0csp-[A-Za-z0-9_-]{43}"),
        positives=(
            "sq0csp-RcckKfT0eIcAST5HpToY06bOgz-oiTrj-ZRtooGk0I6",
            "application_secret: sq0csp-4vbhSgIjcBRKBQiWmejMsmAJkjvekcXNi7SUSKiL8gI",
        ),
        negatives=(
            "sq0csp-18lD6za_J9Xi5QyEGrjb",
            "sq0csp-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ),
        keywords=("sq0csp-",),
        description="Square OAuth application secret.",
    ),
    secret(
        "braintree-access-token",
        "BRAINTREE_ACCESS_TOKEN",
        token(r"access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32}"),
        positives=(
            "access_token$production$zzan0jhjoohv1uvj$dd9f6184ead0c7b5f7a4d22580bbb312",
            "BT_TOKEN=access_token$sandbox$w7udc9g8omsgpkjy$acec06b30ecf604abac3fec718b0c979",
        ),
        negatives=(
            "access_token$production$tp09vq6nzqzse27a$9684ca84aa",
            "access_token$production$merchant$",
        ),
        keywords=("access_token$production$", "access_token$sandbox$"),
        description="PayPal Braintree access token.",
    ),
    secret(
        "braintree-private-key",
        "BRAINTREE_PRIVATE_KEY",
        (
            keyed("braintree", r"[a-f0-9]{32}"),
            # an SDK configuration call: private_key / privateKey after "braintree"
            keyed(("private_key", "private key"), r"[a-f0-9]{32}"),
        ),
        positives=(
            "BRAINTREE_PRIVATE_KEY=3f9a1c7e5b2d4068a9c1e7f3b5d20846",
            # on one line: files are scanned line by line, and the context is read on the line
            "braintree.Configuration.configure(braintree.Environment.Production, "
            "merchant_id='m7k2p9x4v1q8w3e5', public_key='q8w3e5r7t9y2u4i6', "
            "private_key='0c4e8a2f6b1d5937e0a4c8f2b6d1e5a9')",
        ),
        negatives=(
            "private_key='0c4e8a2f6b1d5937e0a4c8f2b6d1e5a9'",
            "BRAINTREE_MERCHANT_ID=m7k2p9x4v1q8w3e5",
            "BRAINTREE_PRIVATE_KEY=0c4e8a2f6b1d5937",
            "braintree private_key: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ),
        keywords=("braintree", "private"),
        context=("braintree",),
        requires_context=True,
        context_window=240,
        score=0.75,  # + the context boost: 0.95
        min_entropy=3.0,
        description="PayPal Braintree API private key (32 hex), next to a Braintree name.",
    ),
    secret(
        "paypal-client-secret",
        "PAYPAL_CLIENT_SECRET",
        keyed("paypal", r"E[A-Za-z0-9_-]{79}"),
        positives=(
            "PAYPAL_CLIENT_SECRET=EO7rkm8Q3xEjh9Ec6sZdo1mbDgYsmTmzxHoQdn9d9vOAzfERnS_zveooemBJ1UA1Gkga1gDNGBhZbccm",
            "paypal secret: EoucE6PCAkG0Jz93Iec5-o_4-8E4fw8dMhRPUPlgZ8XVzgAC3CFdPa1Pjs_HqcIBB-zkKWhUAw7qyGUq",
        ),
        negatives=(
            "PAYPAL_CLIENT_SECRET=EjlW-BbivMFHukR-miImQGAPaLpzmvo6wEE026HYk",
            "Epy0Dryf4QkbghhMjqypxxD86qCHrMcfkH-ErNJV6LCaieuqGsIHJsCusDDh7MorxS7Js0_CyrnG7OmS",
        ),
        keywords=("paypal",),
        score=0.9,
        min_entropy=4.0,
        description="PayPal REST client secret.",
    ),
    secret(
        "adyen-api-key",
        "ADYEN_API_KEY",
        keyed("adyen", r"AQE[A-Za-z0-9+/=._-]{60,400}", end=r"(?:[^A-Za-z0-9+/=._-]|$)"),
        positives=(
            "ADYEN_API_KEY=AQEminAihaYV-ljsY4I3eUBeVI_pXegfvuZs7isFSWqi1S7ZeDIwKyzfEbFlgj7WfADC2Wa1AMUEf5FeerCeCLt4OEZq613KDK484-HUT40teLQY1MUclAS-cor",
            "adyen x-api-key: AQEyhmfxfYMSon7cbffmqtzndp805GUJuQpATNwIoMyhLl9VpdakfB54cZZKL5kyzCMIIuVSEblm91e7BffQy9U6/FD+fiTHj8yduxkP8EzU",
        ),
        negatives=(
            "ADYEN_API_KEY=AQEnnDp8vREiby8mgY0D3Fk",
            "AQEtoIeS9CdxQu7mbpn7gdj5L9pkLpn-kTwtqpWAYxCcKp3tP8T7vVZG4WdwdE1ERgGl2dr6inXLVkISBme9J0BWPCE5kN_-Lsth4v8psdJkyPwfGu8Jwsv9uxx",
        ),
        keywords=("adyen", "aqe"),
        score=0.9,
        description="Adyen API key.",
    ),
    secret(
        "razorpay-key-id",
        "RAZORPAY_KEY",
        token(r"rzp_live_[A-Za-z0-9]{14}"),
        positives=("rzp_live_NgKgWQVxfSLl6a", "key_id: rzp_live_fmAn705rw8owTy"),
        negatives=("rzp_live_kSwz2e34", "rzp_test_WZn94ilAlpMtNe", "rzp_live_xxxxxxxxxxxxxx"),
        keywords=("rzp_live_",),
        severity=Severity.HIGH,
        score=0.9,
        description="Razorpay live key id (the key secret usually sits next to it).",
    ),
    secret(
        "razorpay-key-secret",
        "RAZORPAY_SECRET",
        keyed("razorpay", r"[A-Za-z0-9]{24}"),
        positives=(
            "RAZORPAY_KEY_SECRET=pGtCFJ788JfGLI1ANizY3vxw",
            "razorpay secret: ew0X0flGuhgdHWvIkvCQkIx9",
        ),
        negatives=(
            "RAZORPAY_KEY_SECRET=WXjhz9vU673D",
            "aZVj5yvi2AvT3R9948iGGIaQ",
            "RAZORPAY_KEY_SECRET=${RAZORPAY_SECRET}",
        ),
        keywords=("razorpay",),
        score=0.85,
        min_entropy=3.5,
        description="Razorpay key secret next to its name.",
    ),
    secret(
        "plaid-access-token",
        "PLAID_ACCESS_TOKEN",
        token(rf"access-(?:sandbox|development|production)-{UUID}"),
        positives=(
            "access-production-b657d8b2-c21d-b6ba-bf6f-a88187609685",
            "access_token: access-sandbox-8f53ad43-84b0-e810-582d-2ecb150c1b99",
        ),
        negatives=(
            "access-production-274553b5-8d12",
            "access-staging-8da256f7-00c5-65a6-70b9-888b9b04cfc9",
        ),
        keywords=("access-production-", "access-sandbox-", "access-development-"),
        description="Plaid item access token.",
    ),
    secret(
        "plaid-secret",
        "PLAID_SECRET",
        keyed("plaid", r"[a-f0-9]{30}"),
        positives=(
            "PLAID_SECRET=912bba1250e4e67a6435fd5ef7c5c7",
            "plaid secret: 818d047a3c5dd6c67ca5103ad9104f",
        ),
        negatives=("PLAID_SECRET=002e8861542eb42e062e", "2227618c33951ab816d1fe36231142"),
        keywords=("plaid",),
        score=0.9,
        description="Plaid API secret.",
    ),
    secret(
        "shopify-access-token",
        "SHOPIFY_TOKEN",
        token(r"shpat_[a-fA-F0-9]{32}"),
        positives=(
            "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",
            "X-Shopify-Access-Token: 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",
        ),
        negatives=("shpat_fd95f623d74a64a1b7b4", "shpat_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        keywords=("shpat_",),
        description="Shopify Admin API access token.",
    ),
    secret(
        "shopify-shared-secret",
        "SHOPIFY_TOKEN",
        token(r"shpss_[a-fA-F0-9]{32}"),
        positives=(
            "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",
            "SHOPIFY_API_SECRET=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",
        ),
        negatives=("shpss_ecb81babd302ed94", "shpss_02nbu19ppche9zh2vhcgboqcexe7vbvwz"),
        keywords=("shpss_",),
        description="Shopify app shared secret.",
    ),
    secret(
        "shopify-custom-app-token",
        "SHOPIFY_TOKEN",
        token(r"shpca_[a-fA-F0-9]{32}"),
        positives=(
            "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",
            "token = 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",
        ),
        negatives=("shpca_3e134d61b7965f03760f8ae7d2e0106", "shpca_token"),
        keywords=("shpca_",),
        description="Shopify custom app access token.",
    ),
    secret(
        "shopify-private-app-token",
        "SHOPIFY_TOKEN",
        token(r"shppa_[a-fA-F0-9]{32}"),
        positives=(
            "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",
            "password: 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",
        ),
        negatives=("shppa_84a22de3ead7", "shppa_password"),
        keywords=("shppa_",),
        description="Shopify private app password.",
    ),
    secret(
        "coinbase-api-secret",
        "COINBASE_SECRET",
        keyed("coinbase", r"[A-Za-z0-9_-]{64}"),
        positives=(
            "COINBASE_API_SECRET=6660S5fIPLxTvEnLJNAn3c99S8NeTgyekvyr30Z0cKH3YyLPDaf_GGcCi17bSVr8",
            "coinbase secret: kM2QJs6tMWiwOyLrnNdw4jrWwCTWNqQMLck2GlAXWK89Jy1SYq46MNIOKptYSr3D",
        ),
        negatives=(
            "COINBASE_API_SECRET=J23LpTlHf6KVBDreJRuisrDcuFxc7MLS",
            "KSRH8UNpLshYkJ3X8Jjz3LhbDpXfjy6OLo43O_Q57dt3XoZDNvEE2DJRjA3m4fhf",
        ),
        keywords=("coinbase",),
        score=0.85,
        min_entropy=4.0,
        description="Coinbase API secret.",
    ),
    secret(
        "flutterwave-secret-key",
        "FLUTTERWAVE_SECRET_KEY",
        token(r"FLWSECK(?:_TEST)?-[a-fA-F0-9]{32}-X"),
        positives=(
            "FLWSECK-b29516359a250d333809ef5b06c4ce3f-X",
            "FLW_SECRET_KEY=FLWSECK_TEST-79db4c5c031c3502a3213cb3d3a7b4f8-X",
        ),
        negatives=("FLWSECK-e5e5d6306ca53de7874a-X", "FLWPUBK-db43d43a7c5bb320674e1b8027af5f9a-X"),
        keywords=("flwseck-", "flwseck_test-"),
        description="Flutterwave secret key.",
    ),
    secret(
        "flutterwave-encryption-key",
        "FLUTTERWAVE_SECRET_KEY",
        token(r"FLWSECK(?:_TEST)?[a-fA-F0-9]{12}"),
        positives=("FLWSECK97c3ef8986e4", "FLW_ENCRYPTION_KEY=FLWSECK_TEST01f942dc174e"),
        negatives=("FLWSECKd926a5", "FLWSECK_TESTING"),
        keywords=("flwseck",),
        description="Flutterwave encryption key.",
    ),
    secret(
        "gocardless-token",
        "GOCARDLESS_TOKEN",
        keyed("gocardless", r"live_[A-Za-z0-9_=-]{40}"),
        positives=(
            "GOCARDLESS_ACCESS_TOKEN=live_hKkx6CQ9oIGt5hq99JgOYTftKmOLm76KqZnIcc6D",
            "gocardless token: live_LS35WBpmuUK2CR2Numo-tqGtZKfyV3GOqWU7d7WB",
        ),
        negatives=(
            "GOCARDLESS_ACCESS_TOKEN=live_C3CsAaLx7H",
            "live_fW8Pogs8c4J2mjydjWTXYmavtzQX9hSfPt2P2AJJ",
        ),
        keywords=("gocardless", "live_"),
        description="GoCardless live access token.",
    ),
    secret(
        "mollie-api-key",
        "MOLLIE_API_KEY",
        keyed("mollie", r"live_[A-Za-z0-9]{30}"),
        positives=(
            "MOLLIE_API_KEY=live_XQewVBNJXDVxqHtB0lcQYeTLDWrl2A",
            "mollie key: live_LFuJeDJnMvHiNjBawsL9BKW17SH2yo",
        ),
        negatives=(
            "MOLLIE_API_KEY=test_AClUl2eISV8A84E6ShCUlHPBEUcIjr",
            "live_XkFCkE3jGSfbN7ncGsEX1ERp2qNZpu",
        ),
        keywords=("mollie", "live_"),
        description="Mollie live API key.",
    ),
    secret(
        "shippo-api-token",
        "SHIPPO_TOKEN",
        token(r"shippo_(?:live|test)_[a-fA-F0-9]{40}"),
        positives=(
            "shippo_live_16cca75a8ef2963acdf12d045e6a301d203dace3",
            "Authorization: ShippoToken shippo_test_8b3866de6151393bc72c9ef5d857e903389fcf88",
        ),
        negatives=(
            "shippo_live_9b90b239882e9b519394",
            "shippo_prod_aa66127cd7c9242c6e9408ce8b26a83a21de4090",
        ),
        keywords=("shippo_live_", "shippo_test_"),
        description="Shippo API token.",
    ),
    secret(
        "easypost-api-key",
        "EASYPOST_API_KEY",
        token(r"EZ[AT]K[A-Za-z0-9]{54}"),
        positives=(
            "EZAKs0iFlJV2j5lDgLXDfch4g7bYAPQZLzUeS6Y09YYL1Q43lPVugdpAUQ",
            "EASYPOST_API_KEY=EZTKPGm2VmVu8H5BP6zPlVUDKLNOuPzf50cRXeYSo1iG5RKNkvaN8YtHBV",
        ),
        negatives=(
            "EZAKkCLRZ3wO9AzpIrGyGzmM",
            "EZXKKf7QuUozE9EjJoBOFd7PdzH9g0fRZAtkoVRjggrVprajCYutQdutVi",
        ),
        keywords=("ezak", "eztk"),
        description="EasyPost production or test API key.",
    ),
    secret(
        "duffel-api-token",
        "DUFFEL_TOKEN",
        token(r"duffel_(?:test|live)_[A-Za-z0-9_=-]{43}"),
        positives=(
            "duffel_live_mPx53ASNEwAWYEQK_DjkP1kaq93v6lTfU_BACPeBGSa",
            "DUFFEL_TOKEN=duffel_test_8LTAJLNReNzoVd6AfefZyVxDr_iVqHSwzAJxOnBu4jz",
        ),
        negatives=(
            "duffel_live_TqxikGKsA0Pd1_RW8ltW",
            "duffel_prod_AI4tpCuUEONsSyaMrTXE_OrwEXEhDdDenbwOCEJbJHB",
        ),
        keywords=("duffel_live_", "duffel_test_"),
        description="Duffel travel API token.",
    ),
    secret(
        "lob-api-key",
        "LOB_API_KEY",
        (keyed("lob", r"(?:live|test)_[a-f0-9]{35}"), token(r"(?:live|test)_pub_[a-f0-9]{31}")),
        positives=(
            "LOB_API_KEY=live_a74f7aef9c576be5a931596cf2f21421ec1",
            "test_pub_7bec3d381069a568b1df9258f0d17ed",
        ),
        negatives=("LOB_API_KEY=live_5bdf280e02f729e691bf", "live_pub_94000cb873"),
        keywords=("lob", "live_pub_", "test_pub_"),
        description="Lob API key or publishable key.",
    ),
)
