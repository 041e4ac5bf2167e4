"""Writes the preset dictionary that report bodies are compressed against, from the report
schema alone (the OpenAPI document's `NewReport`): never from reports, real or seeded.

    python3 src/sealing/make_dictionary.py openapi/openapi.json > src/sealing/body_dictionary_v1.txt

It made `body_dictionary_v1.txt` from the schema of commit 1ac8dda. Bodies sealed with it need
that file byte for byte forever: a later schema gets a new dictionary file and marker byte,
never an edit of this one (`sealing::body::tests` pins its SHA-256).

What it writes, one canonical JSON text a line (keys sorted, no whitespace, as the portal stores
bodies): for every enum-valued field of a nested object (an account, a contact handle, a content
item), that object's skeleton with each value in turn; for every enum-valued field of the report
itself, the field with each value (`"severity":"low","severity":"medium",...`, or the array of
them all); then two skeleton reports with every field, nullable ones as strings, then as `null`
(strings empty, booleans `false`, numbers `0`, arrays of one skeleton item, enums their first
value). DEFLATE reaches back 32 KB and copies nearer text with fewer bits, so what every body
repeats (the skeleton) comes last.
"""

import json
import sys


def resolve(schema, schemas):
    """`schema` with its `$ref` (if any) followed."""
    while "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def skeleton(schema, schemas, nulls):
    """An empty value of `schema`: every object property present, nullable ones `null` when
    `nulls`, else of their other type."""
    schema = resolve(schema, schemas)
    kinds = schema.get("type", "string")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "enum" in schema:
        return schema["enum"][0]
    if "null" in kinds and nulls:
        return None
    if "object" in kinds:
        return {
            name: skeleton(field, schemas, nulls)
            for name, field in sorted(schema.get("properties", {}).items())
        }
    if "array" in kinds:
        return [skeleton(schema["items"], schemas, nulls)]
    if "boolean" in kinds:
        return False
    if "integer" in kinds or "number" in kinds:
        return 0
    return ""


def enum_lines(schema, schemas, top):
    """For every enum-valued field within `schema`, its values: at the top, the field with each
    value (`"severity":"low","severity":"medium"`, or an array of them all); within a nested
    object, that object's skeleton with each value in turn."""
    schema = resolve(schema, schemas)
    for name, field in sorted(schema.get("properties", {}).items()):
        field = resolve(field, schemas)
        items = resolve(field.get("items", {}), schemas)
        values = field.get("enum") or items.get("enum")
        if values and top and "enum" in items:
            yield text({name: values})[1:-1]
        elif values and top:
            yield ",".join(text({name: value})[1:-1] for value in values)
        elif values:
            empty = skeleton(schema, schemas, True)
            yield from (text({**empty, name: value}) for value in values)
        for nested in (field, items):
            if "properties" in nested:
                yield from enum_lines(nested, schemas, False)


def text(value):
    """`value` as canonical JSON."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        schemas = json.load(file)["components"]["schemas"]
    report = schemas["NewReport"]
    lines = list(enum_lines(report, schemas, True))
    for nulls in (False, True):
        lines.append(text(skeleton(report, schemas, nulls)))
    sys.stdout.write("\n".join(lines) + "\n")


main()
