"""Renders chat templates with transformers' own Jinja set-up, to check Zoo's template renderer against it.

Run with the reference stack (Tools/reference-env.sh):

    Tools/.venv/bin/python Tools/make_chat_template_fixtures.py

Writes Tests/ZooTests/Fixtures/chat-templates.expected.json: for each template, each conversation rendered with
and without the generation prompt, or the message of the exception the template raised. Templates that use
constructs Zoo does not implement are listed with a phrase Zoo's error must contain.
"""
import json
from pathlib import Path

from jinja2.exceptions import TemplateError
from transformers.utils.chat_template_utils import _compile_jinja_template

OUT = Path(__file__).resolve().parent.parent / "Tests/ZooTests/Fixtures/chat-templates.expected.json"
SPECIAL_TOKENS = {"bos_token": "<s>", "eos_token": "</s>"}

TEMPLATES = {
    # SmolLM2-Instruct's: a default system message unless the conversation starts with one.
    "smollm2": (
        "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
        "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
        "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
        "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
    ),
    # Zephyr's, written over several lines: trim_blocks removes the newline after each block tag.
    "zephyr": (
        "{% for message in messages %}\n{% if message['role'] == 'user' %}\n"
        "{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n"
        "{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n"
        "{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n"
        "{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}"
    ),
    # Llama 2's alternation check: raise_exception, loop.index0 and %.
    "llama2": (
        "{{ bos_token }}{% for message in messages %}"
        "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
        "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
        "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
        "{% elif message['role'] == 'assistant' %}{{ ' ' + message['content'] + ' ' + eos_token }}{% endif %}"
        "{% endfor %}"
    ),
    # Indentation and whitespace control: lstrip_blocks, {%- -%}, {{- -}}, and + turning them off.
    "whitespace": (
        "{%- for message in messages %}\n"
        "    {%- if message.role == 'system' %}\n"
        "<<SYS>>{{ message.content | trim }}<</SYS>>\n"
        "    {% elif message['role'] == 'user' %}\n"
        "[INST]   {{- message['content'] -}}   [/INST]\n"
        "    {%+ else %}\n"
        " {{ message.content ~ eos_token }}\n"
        "    {%- endif +%}\n"
        "{% endfor %}\n"
        "{%- if add_generation_prompt -%}\n"
        "  ASSISTANT:\n"
        "{%- endif %}\n"
    ),
    # set, loop.last and loop.length, inline if, not, in, is (not) defined, a comment, filters and methods.
    "expressions": (
        "{# roles in capitals #}\n"
        "{% set separator = ' | ' %}\n"
        "{% for m in messages %}\n"
        "{{ loop.index }}/{{ loop.length }} {{ m.role | upper }}: "
        "{{ m.content.strip() if m.content.strip() else '(empty)' }}{{ separator if not loop.last else '' }}\n"
        "{% else %}\n"
        "(no messages)\n"
        "{% endfor %}\n"
        "{% if add_generation_prompt and messages and messages[-1]['role'] in ['user', 'tool'] %}ASSISTANT:{% endif %}"
        "{% if tools is not defined and messages | length > 2 %} [long]{% endif %}"
        "{{ ' ' ~ ((messages | length) * 2 - 1) }}{{ ' yes' if 'Bye' in (messages[-1].content if messages else '') }}"
    ),
}

CONVERSATIONS = [
    [{"role": "user", "content": "What is the capital of France?"}],
    [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "  Bye  "},
    ],
    [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": ""}, {"role": "user", "content": "é 中 😀"}],
    [],
    [{"role": "assistant", "content": "I speak first."}],
]

UNSUPPORTED = [
    ("{{ messages | tojson }}", 'the filter "tojson"'),
    ("{% macro greet(name) %}Hi {{ name }}{% endmacro %}{{ greet('x') }}", 'the statement "macro"'),
    ("{% for message in messages[1:] %}{{ message.content }}{% endfor %}", "a slice"),
    ("{% set ns = namespace(found=false) %}", 'the function "namespace"'),
    ("{% for key, value in messages[0].items() %}{% endfor %}", "unpacking several loop variables"),
    ("{{ strftime_now('%Y') }}", 'the function "strftime_now"'),
    ("{% for message in messages if message.role == 'user' %}{% endfor %}", "a loop filter"),
]


def main():
    templates = []
    for name, template in TEMPLATES.items():
        compiled = _compile_jinja_template(template)
        cases = []
        for messages in CONVERSATIONS:
            for add_generation_prompt in (False, True):
                case = {"messages": messages, "add_generation_prompt": add_generation_prompt}
                try:
                    case["output"] = compiled.render(
                        messages=messages, add_generation_prompt=add_generation_prompt, **SPECIAL_TOKENS)
                except TemplateError as error:
                    case["error"] = str(error)
                cases.append(case)
        templates.append({"name": name, "template": template, "cases": cases})
    unsupported = [{"template": template, "error_contains": phrase} for template, phrase in UNSUPPORTED]
    expected = {"special_tokens": SPECIAL_TOKENS, "templates": templates, "unsupported": unsupported}
    OUT.write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
