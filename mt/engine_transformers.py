"""Translation with PyTorch transformers `generate` (NLLB/M2M100 and Marian), CPU or CUDA."""

from __future__ import annotations

import torch

from seq2seq.backends import TransformersModel
from mt.engine import DecodingOptions, TranslationEngine, output_budget


# Target positions projected onto the vocabulary at once when scoring: NLLB's 256k-piece logits of a whole
# batch would take gigabytes; this many rows of them stay small.
SCORE_POSITIONS = 64


class TransformersEngine(TransformersModel, TranslationEngine):
    def generate_ids(self, ids: list[list[int]], options: DecodingOptions, target: str = "en") -> list[list[int]]:
        input_ids, attention = self.padded(ids)
        target_code = self.target_code(target)
        extra: dict[str, object] = {}
        if target_code is not None:
            extra["forced_bos_token_id"] = self.tokenizer.convert_tokens_to_ids(target_code)
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
                max_new_tokens=output_budget(input_ids.shape[1]),
                max_length=None,
                **extra,
            )
        return [self.content_ids(row.tolist()) for row in output]

    def score_ids(self, ids: list[list[int]], targets: list[list[int]], target: str = "en") -> list[tuple[float, int]]:
        code = self.target_code(target)
        prefix = [] if code is None else [self.tokenizer.convert_tokens_to_ids(code)]
        scored = [n for n, row in enumerate(targets) if row]
        scores = [(0.0, 0)] * len(targets)
        if not scored:
            return scores
        labels = [prefix + targets[n] + [self.tokenizer.eos_token_id] for n in scored]
        width = max(len(row) for row in labels)
        pad = self.tokenizer.pad_token_id
        start = self.model.generation_config.decoder_start_token_id
        if start is None:
            start = self.model.config.decoder_start_token_id
        decoder = torch.tensor([[start, *row[:-1]] + [pad] * (width - len(row)) for row in labels], device=self.device)
        input_ids, attention = self.padded([ids[n] for n in scored])
        head, bias = self.model.get_output_embeddings(), getattr(self.model, "final_logits_bias", None)
        with torch.inference_mode():  # decoder states once; the vocabulary projection a few positions at a time
            encoded = self.model.get_encoder()(input_ids=input_ids, attention_mask=attention).last_hidden_state
            hidden = self.model.get_decoder()(input_ids=decoder, encoder_hidden_states=encoded,
                                              encoder_attention_mask=attention).last_hidden_state
            for row, (n, label) in enumerate(zip(scored, labels)):
                total = 0.0
                for first in range(len(prefix), len(label) - 1, SCORE_POSITIONS):
                    last = min(first + SCORE_POSITIONS, len(label) - 1)
                    logits = head(hidden[row, first:last]).float()
                    if bias is not None:
                        logits = logits + bias[0]
                    tokens = torch.tensor(label[first:last], device=self.device)
                    total += float((logits.gather(1, tokens[:, None])[:, 0] - logits.logsumexp(-1)).sum())
                scores[n] = (total, len(label) - 1 - len(prefix))
        return scores
