"""Records what transformers computes with the real all-MiniLM-L6-v2 (fetched by Tools/fetch-real-models.sh):
token ids and mean-pooled, L2-normalised sentence embeddings, as sentence-transformers defines the model.

    Tools/.venv/bin/python Tools/make_minilm_reference.py

Writes Tests/ZooTests/Fixtures/minilm-reference.json.
"""
import json
from pathlib import Path

import torch
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "Tools/.cache/real/all-MiniLM-L6-v2"
OUT = ROOT / "Tests/ZooTests/Fixtures/minilm-reference.json"

SENTENCES = [
    "A cat sits on the mat.",
    "A kitten rests on a rug.",
    "The stock market fell sharply today.",
    "Investors sold shares as prices dropped.",
    "I love eating pizza with my friends.",
    "Pizza night with friends is my favourite.",
    "The weather in Paris is lovely in spring.",
    "Springtime in Paris has beautiful weather.",
    "How do I reset my password?",
    "I forgot my login credentials.",
    "Quantum computers use qubits.",
    "A qubit can be in a superposition of states.",
    "She plays the violin beautifully.",
    "The orchestra performed a symphony.",
    "Football is popular in Brazil.",
    "Soccer is the most watched sport in South America.",
    "The recipe calls for two eggs and a cup of flour.",
    "Bake the cake at 180 degrees for forty minutes.",
    "Mount Everest is the highest mountain on Earth.",
    "The Himalayas contain the world's tallest peaks.",
    "Python is a programming language.",
    "Swift is used to write apps for Apple platforms and servers.",
    "The train to Berlin leaves at 9:45.",
    "Café, naïve, résumé: accents are stripped by the uncased tokenizer.",
    "UPPER CASE and lower case give the same embedding.",
    "中文句子也可以编码。",
    "Emoji 🎉 and symbols © are handled too!",
    "A very long sentence " + "that keeps going and going " * 20 + "until it ends.",
    "",
    "Numbers like 3.14159 and 2,718 appear in text.",
    "Don't forget: it's the user's choice.",
    "The end.",
]


def main():
    tokenizer = AutoTokenizer.from_pretrained(MODEL)
    model = AutoModel.from_pretrained(MODEL, dtype=torch.float32).eval()
    records = []
    for sentence in SENTENCES:
        encoded = tokenizer(sentence, return_tensors="pt")
        with torch.no_grad():
            hidden = model(**encoded).last_hidden_state[0]
        mask = encoded["attention_mask"][0].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(0) / mask.sum()
        embedding = torch.nn.functional.normalize(pooled, dim=0)
        records.append({"text": sentence, "ids": encoded["input_ids"][0].tolist(),
                         "embedding": [float(v) for v in embedding]})
    OUT.write_text(json.dumps({"model": "sentence-transformers/all-MiniLM-L6-v2", "pooling": "mean",
                               "normalize": True, "minimum_cosine": 0.9999, "sentences": records}) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
