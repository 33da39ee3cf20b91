"""AI / ML platform credentials (LLM APIs, model hubs, vector stores, experiment trackers)."""

from __future__ import annotations

from clearance.detection.secrets._rule import UUID, keyed, secret, token

RULES = (
    secret(
        "openai-api-key",
        "OPENAI_API_KEY",
        token(r"sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}"),
        positives=(
            "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",
            "OPENAI_API_KEY=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",
        ),
        negatives=(
            "sk-rzxHyh7tQSfSAeTWi0itcht1KPyp8H2Jx1Eda6ixJFpU1nMC",
            "sk-9WlzPnhYWZxWtSF1hTNDT3BlbkFJZKuaajB1sj",
            "sk-xxxxxxxxxxxxxxxxxxxxT3BlbkFJxxxxxxxxxxxxxxxxxxxx",
        ),
        keywords=("t3blbkfj",),
        description="OpenAI legacy user API key.",
    ),
    secret(
        "openai-project-key",
        "OPENAI_API_KEY",
        token(r"sk-proj-[A-Za-z0-9_-]{40,250}"),
        positives=(
            "sk-proj-S4CyQpe8_FSN3wjvNXNNY0Xs8H1iBi9fgIof2VLJKanqomiJ",
            "OPENAI_API_KEY=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",
        ),
        negatives=(
            "sk-proj-BjEcWvHqkRCs7kazX3SN",
            "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "sk-project-settings",
        ),
        keywords=("sk-proj-",),
        description="OpenAI project API key.",
    ),
    secret(
        "openai-service-account-key",
        "OPENAI_API_KEY",
        token(r"sk-svcacct-[A-Za-z0-9_-]{40,250}"),
        positives=(
            "sk-svcacct-7fSGqqSGtaX3qSxRRVVNor6UcV2HO8p-MEE8jhC1XbAUh54h",
            "key: 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",
        ),
        negatives=("sk-svcacct-5r8_k5h1_HQd0eJ3yjF4", "sk-svcacct-<key>"),
        keywords=("sk-svcacct-",),
        description="OpenAI service-account API key.",
    ),
    secret(
        "openai-admin-key",
        "OPENAI_API_KEY",
        token(r"sk-admin-[A-Za-z0-9_-]{40,250}"),
        positives=(
            "sk-admin-a3zTjF_VbMa0xv5P86wlzljleY2WaGStxbexMXW75wqv5nhh",
            "OPENAI_ADMIN_KEY=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",
        ),
        negatives=("sk-admin-k6AhUXA_xhtZRWW0BERN", "sk-admin-panel"),
        keywords=("sk-admin-",),
        description="OpenAI organisation admin key.",
    ),
    secret(
        "anthropic-api-key",
        "ANTHROPIC_API_KEY",
        token(r"sk-ant-api03-[A-Za-z0-9_-]{93}AA"),
        positives=(
            "sk-ant-api03-wGj8gbloxLxwrLKlkdOABdolyJJvvEDm80Z9yLBwSTekdhaQG_CgyJ6ELEyfH-UySZEDcrgCK7oZorea87zrcMPg9POi3AA",
            "ANTHROPIC_API_KEY=sk-ant-api03-Kr5xQ8I60AHkBzosYEiDzPu5xVi-617bATWJoN5x56jTVVymWfrdSCQXO-cic6D0cqaZ6BZrt8BOL2LAE75KoHYd5AchRAA",
        ),
        negatives=(
            "sk-ant-api03-P8AS35ibD8ZquBBEhLVY0RV1JKpaE7lSK9YYQ4yuAA",
            "sk-ant-api03-Tna1m32YQxHyH3Ja-VdiFsTQSDRJLWWu9sS39NxsTisDyDDZLfVv8nEAiqdlqw99UdmsTDaZs44-woIE2txYkMn-qDQsNAB",
            "sk-ant-api03-...",
        ),
        keywords=("sk-ant-api03-",),
        description="Anthropic API key.",
    ),
    secret(
        "anthropic-admin-key",
        "ANTHROPIC_API_KEY",
        token(r"sk-ant-admin01-[A-Za-z0-9_-]{93}AA"),
        positives=(
            "sk-ant-admin01-FqZRKE7TKMl2UavllmP5Jt9eqmf-b5OnyZVA29wm5WujNhgq_hOGpWZKzbcvtcheM3TZeE7y12Ex0WQm7DNosqCyk0wstAA",
            "x-api-key: sk-ant-admin01-PzX8o5HNDD_BXKoJcglPc2F-3JjRO3FdRSVu9l8TjelNlPm-icpssshXJ7C2zP8R2HejGKSkeB1EXoQsbYGM59tX0lDFSAA",
        ),
        negatives=("sk-ant-admin01-waWVqucwxSiO6fd8OJofAA", "sk-ant-admin01-"),
        keywords=("sk-ant-admin01-",),
        description="Anthropic Admin API key.",
    ),
    secret(
        "huggingface-token",
        "HUGGINGFACE_TOKEN",
        (token(r"hf_[A-Za-z]{34}"), token(r"api_org_[A-Za-z]{34}")),
        positives=(
            "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",
            "HF_TOKEN=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",
            "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",
        ),
        negatives=(
            "hf_ZwlyldXIDZysJmwvwLzJ",
            "hf_hub_download_and_cache_the_model",
            "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ),
        keywords=("hf_", "api_org_"),
        min_entropy=3.8,
        description="Hugging Face user or organisation access token.",
    ),
    secret(
        "cohere-api-key",
        "COHERE_API_KEY",
        keyed(("cohere", "co_api_key"), r"[A-Za-z0-9]{40}"),
        positives=(
            "COHERE_API_KEY=83o1znGaGyfCJOGjj7OZWm8aUc5daRkTyUD9vnNm",
            "co_api_key: 5M6oskunaKqTwQUOMSYd42FG9hpAhcH78nwVbJaG",
        ),
        negatives=(
            "COHERE_API_KEY=ER4p6udYPeOgrbExcQv0",
            "o8UitiYJ78m44aNPqeipzsYdcBKSfjKpgu8WS5mS",
        ),
        keywords=("cohere", "co_api_key"),
        score=0.9,
        min_entropy=4.0,
        description="Cohere API key.",
    ),
    secret(
        "groq-api-key",
        "GROQ_API_KEY",
        token(r"gsk_[A-Za-z0-9]{52}"),
        positives=(
            "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",
            "GROQ_API_KEY=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",
        ),
        negatives=(
            "gsk_rBChwv3ee4fWs1OlkL5t56HI6Pqq1Y",
            "gsk_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ),
        keywords=("gsk_",),
        description="Groq API key.",
    ),
    secret(
        "replicate-api-token",
        "REPLICATE_API_TOKEN",
        token(r"r8_[A-Za-z0-9]{37}"),
        positives=(
            "r8_VgU1yAMoyUQLwmcFMSKQQ44w3CFFVzubR6gIU",
            "REPLICATE_API_TOKEN=r8_phK7HgkqJZJctff7eyOpNKUScWTX3Ua10RWsy",
        ),
        negatives=("r8_LKZdOjkAnbMwP7ya7Pta", "r8_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        keywords=("r8_",),
        description="Replicate API token.",
    ),
    secret(
        "perplexity-api-key",
        "PERPLEXITY_API_KEY",
        token(r"pplx-[A-Za-z0-9]{48}"),
        positives=(
            "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",
            "PERPLEXITY_API_KEY=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",
        ),
        negatives=("pplx-2noytEhuZxbdiTYj8QDw", "pplx-api"),
        keywords=("pplx-",),
        description="Perplexity API key.",
    ),
    secret(
        "mistral-api-key",
        "MISTRAL_API_KEY",
        keyed("mistral", r"[A-Za-z0-9]{32}"),
        positives=(
            "MISTRAL_API_KEY=POhojKDOW0lU8Vcf5dvUSPCZNUj55igS",
            "mistral key: ISIGewzMkrAKPPWSAIrxeGL4PmjSPCAT",
        ),
        negatives=(
            "MISTRAL_API_KEY=5YtHK34dkLsZNwrN",
            "I7R97zJeYzqL62hCgIruSOkXyCWAR2Pw",
            "MISTRAL_MODEL=mistral-large-latest",
        ),
        keywords=("mistral",),
        score=0.85,
        min_entropy=3.8,
        description="Mistral AI API key.",
    ),
    secret(
        "xai-api-key",
        "XAI_API_KEY",
        token(r"xai-[A-Za-z0-9]{80}"),
        positives=(
            "xai-eqZlPzkd5A9gw5LfwGrK8xGjaieMAcK3MQpHGEwvSSt8b0dyy53ckDh8CTQougYNTPJogNfHnxMIySQQ",
            "XAI_API_KEY=xai-0hIoaGfuqipAUgbE1qyhQcWMQ9c1bG7r2GkRNySlGAQDfHqbL4zlOdoRH6KwFQOz3OYfzSaqFnuWqtOD",
        ),
        negatives=("xai-ak6DKFsviLduhy6v7OVvIFCmZEes10jT7c8to9ty", "xai-grok-beta"),
        keywords=("xai-",),
        description="xAI (Grok) API key.",
    ),
    secret(
        "deepseek-api-key",
        "DEEPSEEK_API_KEY",
        keyed("deepseek", r"sk-[a-f0-9]{32}"),
        positives=(
            "DEEPSEEK_API_KEY=sk-80d2785901695a57aa3fa4874041f0fc",
            "deepseek key: sk-700f693d3a5fb5d71767e47bbc3bbcd9",
        ),
        negatives=("DEEPSEEK_API_KEY=sk-9e2d3a041a96a566", "sk-47dcc54398129ac5a785bf5ad703aa0e"),
        keywords=("deepseek",),
        description="DeepSeek API key.",
    ),
    secret(
        "openrouter-api-key",
        "OPENROUTER_API_KEY",
        token(r"sk-or-v1-[a-f0-9]{64}"),
        positives=(
            "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",
            "OPENROUTER_API_KEY=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",
        ),
        negatives=(
            "sk-or-v1-19a5ec6640a9943d3a79e0fddf671f39",
            "sk-or-v2-edca669aedc33262c16775d5513bb2c0ec0762da54e919f28369cc49f72a0449",
        ),
        keywords=("sk-or-v1-",),
        description="OpenRouter API key.",
    ),
    secret(
        "pinecone-api-key",
        "PINECONE_API_KEY",
        (token(r"pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{40,80}"), keyed("pinecone", UUID)),
        positives=(
            "pcsk_AtgU1X_IoasBnTpDDekkw0ZbiRJWoFT2RCJY2nrqbl6LrDyHx6AVT0Rrljdz4Le3P8Gy0N",
            "PINECONE_API_KEY=291d0633-c5eb-2ef1-5e66-f99c8bcdcda4",
        ),
        negatives=("pcsk_pXXrdj_foNOQmRY3m", "3ed4878a-a0c5-fe54-423b-c989f8f61b0e"),
        keywords=("pcsk_", "pinecone"),
        description="Pinecone API key.",
    ),
    secret(
        "langsmith-api-key",
        "LANGSMITH_API_KEY",
        token(r"lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}"),
        positives=(
            "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",
            "LANGCHAIN_API_KEY=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",
        ),
        negatives=(
            "lsv2_pt_73cdc4f2f2f5d2114bbeb79fa14401b5",
            "lsv2_xx_e3912b103238c7da96ae7f1ab2e62ec4_821bb46df2",
        ),
        keywords=("lsv2_pt_", "lsv2_sk_"),
        description="LangSmith personal or service key.",
    ),
    secret(
        "langfuse-secret-key",
        "LANGFUSE_SECRET_KEY",
        token(rf"sk-lf-{UUID}"),
        positives=(
            "sk-lf-e9eefd1c-c1b6-6ae3-7c18-4ebf875622ce",
            "LANGFUSE_SECRET_KEY=sk-lf-fe2ea24b-1eb2-d558-821e-ae54ceb1e169",
        ),
        negatives=("pk-lf-24761898-5483-6ba7-c46c-ceb9fed6afda", "sk-lf-9a74c617"),
        keywords=("sk-lf-",),
        description="Langfuse secret key.",
    ),
    secret(
        "wandb-api-key",
        "WANDB_API_KEY",
        (
            keyed(("wandb", "weights_and_biases"), r"[a-f0-9]{40}"),
            r"api\.wandb\.ai\s+login\s+user\s+password\s+(?P<value>[a-f0-9]{40})\b",
        ),
        positives=(
            "WANDB_API_KEY=eb6e38096d1946012009e29f2da0497526e75af4",
            "wandb login f7c10495efbe3e1c9e372488f70e1cae93783403",
        ),
        negatives=(
            "WANDB_API_KEY=76ce3f3291ab1885a573",
            "eaaac5e519a8ef163823701160d5e810723e34f1",
            "WANDB_PROJECT=my-project",
        ),
        keywords=("wandb",),
        score=0.9,
        description="Weights & Biases API key.",
    ),
    secret(
        "nvidia-api-key",
        "NVIDIA_API_KEY",
        token(r"nvapi-[A-Za-z0-9_-]{64}"),
        positives=(
            "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",
            "NGC_API_KEY=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",
        ),
        negatives=("nvapi-veUcBlzSEMNfnpRFrshiT9x-OyXqXC", "nvapi-key"),
        keywords=("nvapi-",),
        description="NVIDIA NGC / build.nvidia.com API key.",
    ),
    secret(
        "cerebras-api-key",
        "CEREBRAS_API_KEY",
        token(r"csk-[a-z0-9]{48}"),
        positives=(
            "csk-neyqx64sfhz2rp8060wfguikt8te3bds7kjc3s9zk9ge0h78",
            "CEREBRAS_API_KEY=csk-mi8t90zmb4h7bzg2rfl401tbj8gwpaj24lx88dbbk6ux1q46",
        ),
        negatives=("csk-0mjy6yw5z1nlw4zljq97", "csk-config"),
        keywords=("csk-",),
        description="Cerebras inference API key.",
    ),
    secret(
        "elevenlabs-api-key",
        "ELEVENLABS_API_KEY",
        keyed(("elevenlabs", "eleven_labs", "xi-api-key"), r"(?:sk_)?[a-f0-9]{32,48}"),
        positives=(
            "ELEVENLABS_API_KEY=sk_e4adb1066c648209023cc5a44376f0c43bbb05987df54352",
            "xi-api-key: 3542971314e39bd717b3e664224643e3",
        ),
        negatives=(
            "ELEVENLABS_API_KEY=sk_f3584d16812c1670",
            "sk_3ce252b335fb0e5511307981fdda9e285841371b6a26a06a",
        ),
        keywords=("elevenlabs", "xi-api-key"),
        score=0.9,
        description="ElevenLabs API key.",
    ),
)
