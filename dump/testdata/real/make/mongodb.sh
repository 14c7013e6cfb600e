#!/usr/bin/env bash
# Writes the contacts as MongoDB's tools do, with PyMongo's bson package
# (Debian: python3-bson python3-pymongo), an implementation independent of
# the Go driver that leakdesk reads with. Neither MongoDB nor its tools are
# in Debian; PyMongo writes the same bytes:
#   pymongo-mongodump.bson              mongodump's collection file: BSON documents end to end
#   pymongo-mongoexport-relaxed.json    mongoexport: relaxed Extended JSON, a document a line
#   pymongo-mongoexport-canonical.json  mongoexport --jsonFormat=canonical
#   pymongo-mongoexport-array.json      mongoexport --jsonArray
# Documents hold what real collections do: an ObjectId, nested documents,
# arrays, dates, a Decimal128, binary data, null, and a note on two lines.
set -euo pipefail
: "${SRC:?path of contacts.csv}" "${OUT:?output directory}"

/usr/bin/python3 - "$SRC" "$OUT" <<'PY'
import csv, datetime, os, sys
import bson
from bson import json_util
from bson.binary import Binary
from bson.decimal128 import Decimal128
from bson.int64 import Int64
from bson.objectid import ObjectId

src, out = sys.argv[1:]
utc = datetime.timezone.utc
docs = []
for i, r in enumerate(csv.DictReader(open(src, encoding="utf-8"))):
    d = {
        "_id": ObjectId("65e1f0a0%016x" % (0x1000 + i)),
        "ref": r["id"],
        "first_name": r["first_name"],
        "last_name": r["last_name"],
        "email": r["email"],
        "phone": r["phone"],
        "organisation": r["organisation"],
        "location": {"city": r["city"], "country": r["country"]},
        "created": datetime.datetime(2024, 1, 1, 9, 0, tzinfo=utc) + datetime.timedelta(days=i, milliseconds=i * 7),
        "visits": Int64(1000 + i),
        "balance": Decimal128("%d.%02d" % (i * 13, i % 100)),
        "active": i % 3 != 0,
        "tags": ["contact", "year-%d" % (2020 + i % 4)],
    }
    if i % 6 == 0:
        d["avatar"] = Binary(bytes([0x89, 0x50, 0x4E, 0x47, i]))
    if i % 9 == 0:
        d["history"] = [{"at": datetime.datetime(2024, 2, 1, tzinfo=utc), "by": "phone"}]
    if i % 5 == 0:
        d["note"] = "Met at the fair, stand %d;\nfollow up with \"%s\" in June" % (i, r["organisation"])
    else:
        d["note"] = None
    docs.append(d)

with open(os.path.join(out, "pymongo-mongodump.bson"), "wb") as f:
    for d in docs:
        f.write(bson.encode(d))
for name, opts in [("relaxed", json_util.RELAXED_JSON_OPTIONS), ("canonical", json_util.CANONICAL_JSON_OPTIONS)]:
    with open(os.path.join(out, "pymongo-mongoexport-%s.json" % name), "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json_util.dumps(d, json_options=opts, ensure_ascii=False) + "\n")
with open(os.path.join(out, "pymongo-mongoexport-array.json"), "w", encoding="utf-8") as f:
    f.write("[" + ",".join(json_util.dumps(d, json_options=json_util.RELAXED_JSON_OPTIONS, ensure_ascii=False) for d in docs) + "]")
PY
