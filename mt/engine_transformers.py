"""Translation with PyTorch transformers `generate` (NLLB/M2M100 and Marian), CPU or CUDA."""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import AutoModelForSeq2SeqLM

from modelstore.lock import ModelEntry
from mt.engine import DecodingOptions, TranslationEngine, output_budget

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


def pick_device(device: str = "auto") -> str:
    """`cuda` when a GPU is there and nothing else was asked, else `cpu`."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def pick_precision(device: str, precision: str = "auto") -> str:
    """bf16 where the hardware runs it (≈2.5× fp32 on a 2-core CPU), fp16 on older GPUs."""
    if precision != "auto":
        return precision
    if device.startswith("cuda"):
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "bf16"


class TransformersEngine(TranslationEngine):
    engine_name = "transformers"

    def __init__(self, entry: ModelEntry, model_dir: Path, device: str = "auto", precision: str = "auto") -> None:
        device = pick_device(device)
        precision = pick_precision(device, precision)
        super().__init__(entry, model_dir, device, precision)
        self.model = AutoModelForSeq2SeqLM.from_pretrained(str(model_dir), dtype=DTYPES[precision]).to(device).eval()

    def generate_ids(self, ids: list[list[int]], options: DecodingOptions, target: str = "en") -> list[list[int]]:
        pad = self.tokenizer.pad_token_id
        width = max(len(row) for row in ids)
        input_ids = torch.tensor([row + [pad] * (width - len(row)) for row in ids], device=self.device)
        attention = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in ids], device=self.device)
        target_code = self.target_code(target)
        extra = {} if target_code is None else {"forced_bos_token_id": self.tokenizer.convert_tokens_to_ids(target_code)}
        if options.beam_size > 1:
            extra["early_stopping"] = True
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids,
                attention_mask=attention,
                num_beams=options.beam_size,
                do_sample=False,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                repetition_penalty=options.repetition_penalty,
                length_penalty=options.length_penalty,
                max_new_tokens=output_budget(width),
                max_length=None,
                **extra,
            )
        return [self.content_ids(row.tolist()) for row in output]
