"""The model code with a tiny randomly initialised encoder (fast, CPU): training runs and is
reproducible, checkpoints round-trip, bad checkpoints exit 4 with one line, the parser
overrides what the text states, and the daemon serves a model. The shipped model's quality is
checked by ``oscbridge evaluate``, not here."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from oscbridge.checkpoint import load_checkpoint, save_checkpoint
from oscbridge.errors import ModelError
from oscbridge.model import azimuth_to_bin, bin_centres_deg
from oscbridge.train import TrainConfig, _training_mode, angular_error_deg, targets_from_rows, token_dropout
from peers import REPO, DaemonProcess, OscDump, UdpSink

TINY_ARGS = ["--tiny", "--n-train", "800", "--n-valid", "100", "--epochs", "1", "--quiet", "--members", "1"]


def oscbridge(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "oscbridge", *args], cwd=REPO, input=stdin, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny") / "tiny.pt"
    r = oscbridge("train", *TINY_ARGS, "--out", str(out))
    assert r.returncode == 0, r.stderr[-2000:]
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["device"] in ("cpu", "cuda") and math.isfinite(summary["best"]["ae_deg"])
    assert out.exists() and out.stat().st_size < 25 * 2**20
    return out


def test_bins_known_answers():
    c = bin_centres_deg(36)
    assert c[0] == -180 and c[18] == 0 and c[27] == 90
    got = azimuth_to_bin(torch.tensor([0.0, 90.0, -90.0, 180.0, -175.0, 4.9, 5.1]), 36).tolist()
    assert got == [18, 27, 9, 0, 0, 18, 19]


def test_angular_error_wraps():
    assert angular_error_deg(np.array([170.0]), np.array([-170.0]))[0] == pytest.approx(20)


def test_targets_from_rows_units():
    row = {"text": "x", "labels": {"azimuth_deg": 90.0, "elevation_deg": 45.0, "distance_m": math.e, "spread_deg": 180.0,
                                   "wet": 0.5, "drr_db": 15.0, "gain_db": -20.0, "direction_known": True,
                                   "motion": {"kind": "orbit", "duration_s": 8.0, "direction": "cw", "turns": None}}}
    t = targets_from_rows([row])
    assert t["el"][0] == 0.5 and t["logd"][0] == pytest.approx(1.0) and t["spread"][0] == 0.5
    assert t["drr"][0] == 0.5 and t["gain"][0] == -1.0 and t["motion"][0] == 2 and t["orbit_cw"][0] == 1.0
    assert t["log_dur"][0] == pytest.approx(math.log(8.0))


def test_token_dropout_keeps_cls_sep_and_padding_and_repeats_with_its_seed():
    lengths = np.array([3, 40, 17, 2] * 50)
    mask = torch.zeros(len(lengths), 40, dtype=torch.long)
    for i, n in enumerate(lengths):
        mask[i, :n] = 1
    out = token_dropout(mask, lengths, 0.3, torch.Generator().manual_seed(5))
    again = token_dropout(mask, lengths, 0.3, torch.Generator().manual_seed(5))
    assert torch.equal(out, again) and out.dtype == mask.dtype
    rows = torch.arange(len(lengths))
    assert (out[:, 0] == 1).all() and (out[rows, torch.as_tensor(lengths) - 1] == 1).all()
    assert (out <= mask).all()  # padding stays padding; nothing is added
    words = mask.clone()
    words[:, 0] = 0
    words[rows, torch.as_tensor(lengths) - 1] = 0
    dropped = ((words == 1) & (out == 0)).sum().item() / (words == 1).sum().item()
    assert 0.25 < dropped < 0.35, dropped
    assert torch.equal(token_dropout(mask, lengths, 0.0, torch.Generator().manual_seed(5)), mask)


@pytest.mark.parametrize("start, epoch, on", [(2, 1, False), (2, 2, True), (2, 6, True), (1, 1, True), (0, 3, False)])
def test_training_mode_sets_dropout_in_the_fine_tuned_layers_only(start, epoch, on):
    """The encoder's dropout runs in the fine-tuned layers from the epoch asked for, never in the
    frozen ones."""
    from transformers import BertConfig, BertModel

    from oscbridge.model import ModelConfig, SpatialModel

    bert = BertModel(BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=3, num_attention_heads=2,
                                intermediate_size=32), add_pooling_layer=False)
    model = SpatialModel(bert, ModelConfig(trainable_layers=2))
    model.eval()
    _training_mode(model, TrainConfig(encoder_dropout_from=start), epoch)
    layers = model.bert.encoder.layer
    assert model.trunk.training and not layers[0].training and not model.bert.embeddings.training
    assert all(m.training == on for layer in layers[1:] for m in layer.modules())


def test_training_is_reproducible(tiny, tmp_path):
    """A second training from scratch with the same seed gives the same model: weights equal
    to within 1e-3 (MKL_CBWR makes it bitwise on one machine) and validation AE within 2 deg."""
    again = tmp_path / "again.pt"
    r = oscbridge("train", *TINY_ARGS, "--out", str(again))
    assert r.returncode == 0, r.stderr[-2000:]
    pa, pb = torch.load(tiny, weights_only=True), torch.load(again, weights_only=True)
    a, b = pa["state_dict"], pb["state_dict"]
    assert a.keys() == b.keys()
    worst = max((a[k].float() - b[k].float()).abs().max().item() for k in a)
    assert worst <= 1e-3, worst
    assert abs(pa["meta"]["best"]["ae_deg"] - pb["meta"]["best"]["ae_deg"]) <= 2.0


def test_checkpoint_round_trip_and_predict_contract(tiny):
    model, tokenizer, meta = load_checkpoint(tiny)
    assert meta["n_train"] == 800 and "history" in meta
    r = oscbridge("predict", "--model", str(tiny), "--json", "a dog barks behind me on the left",
                  "2: a violin at 10 o'clock, 3 meters away")
    assert r.returncode == 0, r.stderr
    first, violin = (json.loads(x) for x in r.stdout.splitlines())
    assert list(first) == ["text", "source", "azimuth_deg", "elevation_deg", "distance_m", "spread_deg", "wet",
                           "drr_db", "gain_db", "motion", "explicit", "confidence"]
    assert 0.0 <= first["confidence"] <= 1.0
    # the explicit parser overrides what the text states outright, whatever the model says
    assert violin["source"] == 2 and violin["azimuth_deg"] == 60.0 and violin["distance_m"] == 3.0
    assert violin["confidence"] == 1.0 and {"azimuth_deg", "distance_m"} <= set(violin["explicit"])


def test_save_stores_only_trained_weights(tiny, tmp_path):
    model, _, meta = load_checkpoint(tiny)
    out = tmp_path / "partial.pt"
    save_checkpoint(out, model, meta, random_base=False)
    saved = torch.load(out, weights_only=True)["state_dict"]
    trained = {n for n, p in model.named_parameters() if p.requires_grad}
    assert set(saved) == trained
    assert not any(k.startswith("bert.embeddings") for k in saved)


@pytest.mark.parametrize("case", ["missing", "corrupt", "truncated", "not-a-checkpoint", "hash-mismatch"])
def test_bad_checkpoint_exits_4_with_one_line(case, tiny, tmp_path):
    bad = tmp_path / "bad.pt"
    if case == "corrupt":
        bad.write_bytes(b"\x00garbage" * 100)
    elif case == "truncated":
        bad.write_bytes(tiny.read_bytes()[:5000])
    elif case == "not-a-checkpoint":
        torch.save({"hello": torch.zeros(2)}, bad)
    elif case == "hash-mismatch":
        payload = torch.load(tiny, weights_only=True)
        payload["random_base"] = False
        payload["config"]["encoder_sha256"] = "0" * 64
        torch.save(payload, bad)
    for cmd in (["predict", "--model", str(bad), "left"], ["serve", "--no-stdin", "--model", str(bad)]):
        r = oscbridge(*cmd)
        assert r.returncode == 4, (case, cmd, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("oscbridge: error:"), r.stderr
    with pytest.raises(ModelError):
        load_checkpoint(bad)


def test_unreadable_text_gets_low_confidence_from_the_parser_free_path(tiny):
    from oscbridge.neural import NeuralPredictor

    p = NeuralPredictor(tiny)
    [a, b] = p.predict(["xqzt blorp fnargle", "at 3 o'clock"])
    assert b.params.azimuth_deg == -90.0 and b.confidence == 1.0
    assert 0.0 <= a.confidence <= 1.0


@pytest.mark.parametrize("which", ["single", "ensemble"])
def test_traced_graph_answers_as_the_eager_model(which, request):
    """The served forward pass is a torch.jit graph traced on one short cue; it must give the eager
    model's outputs for any batch size and length (padding, truncation at max_tokens), an ensemble's too."""
    import torch

    from oscbridge.neural import NeuralPredictor

    path = request.getfixturevalue("tiny" if which == "single" else "tiny_ensemble")
    traced = NeuralPredictor(path)
    eager = NeuralPredictor(path, trace=False)
    assert (traced.members, eager.members) == ((1, 1) if which == "single" else (2, 2))
    assert traced.traced and not eager.traced
    long = "a dog barks " + "and keeps barking " * 60 + "behind me on the left"
    batches = [["a"], ["a dog barks behind me on the left, far away, in a cathedral"], ["a", long],
               ["violin at 10 o'clock", "rain", "the helicopter circles slowly overhead, getting closer and louder"]]
    for texts in batches:
        a, b = traced.raw(texts), eager.raw(texts)
        assert set(a) == set(b)
        for k in a:
            assert torch.equal(a[k], b[k]), (texts, k)


def test_a_long_note_is_read_past_the_training_length(tiny):
    """Training cues fit in config.max_tokens; a longer note is read whole (up to SERVE_MAX_TOKENS and the
    encoder's position table), so words past the training length still change the answer."""
    import torch

    from oscbridge.neural import SERVE_MAX_TOKENS, NeuralPredictor

    p = NeuralPredictor(tiny)
    train_len = p.model.config.max_tokens
    assert p.max_tokens == min(SERVE_MAX_TOKENS, p.model.bert.config.max_position_embeddings) > train_len
    preamble = "the house opens at half seven and the preset loop fades when the doors close " * 6
    ids, _ = p.encode([preamble + "a dog barks on the left"])
    assert train_len < ids.shape[1] <= p.max_tokens
    a, b = p.raw([preamble + "a dog barks on the left"]), p.raw([preamble + "a dog barks on the right"])
    assert any(not torch.equal(a[k], b[k]) for k in a)


def test_evaluate_writes_every_metric_for_four_predictors(tiny, tmp_path):
    """`oscbridge evaluate` on a tiny model: the table, the JSON with every set and subset, the plot, and
    --batch (the keyword rule does not batch, so its figures cannot depend on it)."""
    runs = {}
    for batch in ("1", "16"):
        out = tmp_path / f"eval{batch}.json"
        args = ["evaluate", "--model", str(tiny), "--n-test", "60", "--probe-n", "300", "--batch", batch,
                "--out", str(out)]
        if batch == "1":
            args += ["--plot", str(tmp_path / "eval.png")]
        r = oscbridge(*args)
        assert r.returncode == 0, r.stderr[-2000:]
        assert "| synthetic test |" in r.stdout and "| handwritten / paraphrase |" in r.stdout
        runs[batch] = json.loads(out.read_text())
    assert runs["1"]["batch"] == 1 and runs["16"]["batch"] == 16
    res = runs["1"]["results"]
    assert set(res) == {"synthetic test", "handwritten"}
    assert {"all", "numeric", "long", "metaphorical", "paraphrase"} <= set(res["handwritten"])
    for name in ("keyword", "linear probe", "model", "model+parser"):
        m = res["handwritten"]["all"][name]
        assert m["n"] > 100 and 0.0 <= m["ae_deg"] <= 180.0 and 0.0 <= m["front_back_rate"] <= 1.0
    assert res["synthetic test"]["all"]["keyword"] == runs["16"]["results"]["synthetic test"]["all"]["keyword"]
    assert (tmp_path / "eval.png").stat().st_size > 10_000
    r = oscbridge("evaluate", "--model", str(tiny), "--batch", "0")
    assert r.returncode == 2 and "--batch" in r.stderr


@pytest.mark.peers
def test_daemon_serves_the_model(tiny):
    with OscDump() as dump, DaemonProcess("--send", f"adm-osc@127.0.0.1:{dump.port}", "--model", str(tiny),
                                          predictor="model") as d, UdpSink() as me:
        from oscbridge.daemon import encode_cue
        from oscbridge.osc import decode_packet

        me.sock.sendto(encode_cue("a violin at 10 o'clock, 3 meters away", 2), ("127.0.0.1", d.port))
        [ack] = decode_packet(me.recv(30))
        assert ack.address == "/cue/ack" and ack.args[2] == pytest.approx(60)
        assert dump.wait_address("/adm/obj/2/aed").args[:1] == pytest.approx((60.0,))
        line = d.wait_line(r"predictor model\+parser, \d+ inference threads?", stream="stderr", timeout=1)
    # one core fewer than the machine has (at least one): the daemon's other threads need one
    from oscbridge.cli import default_serve_threads

    want = default_serve_threads()
    assert re.search(rf"model\+parser, {want} inference threads?;", line), line


def test_serve_threads_option_is_checked():
    r = oscbridge("serve", "--threads", "0", "--no-stdin")
    assert r.returncode == 2 and "--threads" in r.stderr


def test_int8_quantizes_every_encoder_linear_per_token_and_stays_near_float32(tiny):
    """The served encoder is int8: weights with one scale per output channel, activations with one
    scale per token. Its outputs stay near float32's, and a cue gets the same answer alone as in a
    padded batch (dynamic int8 with one activation scale per batch moved 43 % of validation cues by
    more than 1 deg)."""
    import torch

    from oscbridge.neural import NeuralPredictor
    from oscbridge.served import FloatLinear, TokenInt8Linear

    q = NeuralPredictor(tiny, trace=False)
    f = NeuralPredictor(tiny, trace=False, int8=False)
    layers = list(q.served.layers)
    assert layers and not list(q.model.bert.encoder.layer)  # the float32 originals are freed
    lin = [m for m in q.served.layers.modules() if isinstance(m, (TokenInt8Linear, FloatLinear, torch.nn.Linear))]
    assert len(lin) == 4 * len(layers) and all(isinstance(m, TokenInt8Linear) for m in lin)
    assert all(m.wq_t.dtype == torch.int8 and m.w_scale.numel() == m.wq_t.shape[1] for m in lin)
    texts = ["a dog barks behind me on the left, far away", "rain", "violin at 10 o'clock",
             "the helicopter circles slowly overhead, getting closer and louder all the time"]
    a, b = q.raw(texts), f.raw(texts)
    diff = (a["azimuth_deg"] - b["azimuth_deg"] + 180) % 360 - 180
    assert diff.abs().max() < 20.0, diff
    assert (a["elevation_deg"] - b["elevation_deg"]).abs().max() < 10.0
    for i, text in enumerate(texts):  # alone vs. in the padded batch
        one = q.raw([text])
        assert abs(float(one["azimuth_deg"][0] - a["azimuth_deg"][i])) < 0.5, text
        assert abs(float(one["confidence"][0] - a["confidence"][i])) < 0.01, text


def test_served_float32_graph_computes_the_training_model(tiny):
    """With int8 off, the served encoder (fused query/key/value, packed tokens) is the model the
    trainer built, on padded batches of mixed lengths."""
    import torch

    from oscbridge.checkpoint import load_checkpoint
    from oscbridge.served import ServedModel

    model, tok, _ = load_checkpoint(tiny)
    served = ServedModel(model, int8=False).eval()
    enc = tok(["a", "a dog barks behind me on the left, far away, in a cathedral", "violin at 10 o'clock"],
              padding=True, return_tensors="pt")
    with torch.inference_mode():
        a = model.eval()(enc["input_ids"], enc["attention_mask"])
        b = served(enc["input_ids"], enc["attention_mask"])
    for k in a:
        assert torch.allclose(a[k], b[k], atol=1e-5), k


# ---------------------------------------------------------------------------------------- elevation head


def _tiny_bert():
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    return BertModel(BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                intermediate_size=64, max_position_embeddings=128), add_pooling_layer=False)


def test_elevation_decode_is_level_unless_the_words_win():
    from oscbridge.model import decode_elevation

    logits = torch.tensor([[0.0, 1.0, 0.5], [0.0, 0.2, 3.0], [2.0, 1.0, -1.0]])  # level, above, below
    mag = torch.tensor([[30.0, 40.0], [30.0, 70.0], [45.0, 10.0]])  # below, above magnitudes
    assert decode_elevation(logits, mag).tolist() == [0.0, 70.0, -45.0]


def test_elevation_head_reads_each_cue_alone_in_a_padded_batch_and_served_matches_eager():
    """Padding tokens must not move a cue's elevation logits; the served graph (packed tokens, float32)
    must give the eager model's elevation outputs."""
    from oscbridge.model import ModelConfig, SpatialModel
    from oscbridge.served import ServedModel

    model = SpatialModel(_tiny_bert(), ModelConfig(trainable_layers=1, elevation_head=16)).eval()
    ids = torch.tensor([[101, 2000, 2001, 2002, 102], [101, 2003, 102, 0, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    with torch.no_grad():
        both = model(ids, mask)
        alone = model(ids[1:, :3], mask[1:, :3])
        served = ServedModel(model, int8=False)(ids, mask)
    for k in ("el_logits", "el_mag"):
        assert torch.allclose(both[k][1], alone[k][0], atol=1e-5), k
        assert torch.allclose(served[k], both[k], atol=1e-4), k


def test_elevation_head_leaves_the_global_generator_and_other_weights_alone():
    """Building the head must not draw from the global generator: with or without it, every other weight
    starts the same and the next draw is the same (so the rest of training is unchanged)."""
    from oscbridge.model import ModelConfig, SpatialModel

    outs = []
    for width in (0, 16):
        bert = _tiny_bert()
        torch.manual_seed(3)
        m = SpatialModel(bert, ModelConfig(trainable_layers=1, elevation_head=width))
        outs.append(({k: v.clone() for k, v in m.state_dict().items() if not k.startswith("el_head.")}, torch.rand(3)))
    (a, ra), (b, rb) = outs
    assert set(a) == set(b) and all(torch.equal(a[k], b[k]) for k in a)
    assert torch.equal(ra, rb)


def test_fit_elevation_head_learns_words_and_keeps_level_cues_level(tmp_path):
    """On the tiny random encoder's frozen states, the head learns that "overhead" and "under the floor"
    state a height and a plain side does not."""
    from oscbridge.model import ModelConfig, SpatialModel, decode_elevation
    from oscbridge.train import CachedSet, fit_elevation_head

    from transformers import AutoTokenizer

    from oscbridge.encoders import encoder_dir

    tok = AutoTokenizer.from_pretrained(str(encoder_dir("all-minilm-l6-v2")), local_files_only=True)
    model = SpatialModel(_tiny_bert(), ModelConfig(trainable_layers=1, elevation_head=32))
    sources = ["a dog barks", "rain falls", "a bell rings", "a man sings", "a drone hums", "water drips"]
    places = [("overhead", 70.0), ("under the floor", -45.0), ("on the left", 0.0), ("behind me", 0.0)]
    texts = [f"{s} {p}" for s in sources for p, _ in places] * 32
    el = np.array([e for _ in sources for _, e in places] * 32, dtype=np.float32)
    cached = CachedSet(model, tok, texts, 64, torch.device("cpu"))
    summary = fit_elevation_head(model, [(cached, el)], TrainConfig(elevation_epochs=40), torch.device("cpu"),
                                 log=lambda m: None, valid=(cached, el))
    assert summary["valid_level_mae_deg"] < 5.0 and summary["valid_raised_mae_deg"] < 20.0, summary
    with torch.no_grad():
        enc = tok(["a clock ticks overhead", "a clock ticks on the left"], padding=True, return_tensors="pt")
        o = model(enc["input_ids"], enc["attention_mask"])
        got = decode_elevation(o["el_logits"], o["el_mag"]).tolist()
    assert got[0] > 20.0 and got[1] == 0.0, got


def test_a_checkpoint_without_the_elevation_head_still_loads_and_decodes(tmp_path):
    """Checkpoints from before the head (config without it) rebuild and decode elevation from the static
    regression, as they did."""
    from oscbridge.model import ModelConfig, SpatialModel

    model = SpatialModel(_tiny_bert(), ModelConfig(trainable_layers=1))
    assert model.el_head is None
    with torch.no_grad():
        out = model(torch.tensor([[101, 2000, 102]]), torch.tensor([[1, 1, 1]]))
    assert "el_logits" not in out
    assert torch.allclose(model.decode(out)["elevation_deg"], torch.tanh(out["reg"][:, 0]) * 90.0)


def test_training_without_the_elevation_head_trains_every_other_weight_the_same(tiny, tmp_path):
    """The head trains first, alone, on the frozen layers: ``--elevation-head 0`` must give bit-identical
    weights for everything else."""
    bare = tmp_path / "bare.pt"
    r = oscbridge("train", *TINY_ARGS, "--elevation-head", "0", "--out", str(bare))
    assert r.returncode == 0, r.stderr[-2000:]
    a = torch.load(tiny, weights_only=True)["state_dict"]
    b = torch.load(bare, weights_only=True)["state_dict"]
    assert any(k.startswith("el_head.") for k in a) and not any(k.startswith("el_head.") for k in b)
    assert set(b) == {k for k in a if not k.startswith("el_head.")}
    assert all(torch.equal(a[k], b[k]) for k in b), [k for k in b if not torch.equal(a[k], b[k])][:3]


# ---------------------------------------------------------------------------------------- ensembles


def test_combine_members_averages_azimuth_logits_and_other_probabilities():
    from oscbridge.model import combine_members

    def out(az, motion, cw, reg):
        return {"az_cos": torch.tensor([az]), "az_vec": torch.tensor([[reg, 1.0]]), "reg": torch.tensor([[reg] * 6]),
                "motion": torch.tensor([motion]), "end_vec": torch.tensor([[reg, 0.0]]),
                "motion_reg": torch.tensor([[reg, reg]]), "orbit_cw": torch.tensor([cw]),
                "el_logits": torch.tensor([[0.0, 1.0, 2.0]])}

    a, b = out([0.9, 0.1, -0.2], [2.0, 0.0, 0.0, 0.0, 0.0], 3.0, 1.0), out([0.1, 0.8, 0.0], [0.0, 2.0, 0.0, 0.0, 0.0], -1.0, 3.0)
    assert combine_members([a], 16.0) is a
    c = combine_members([a, b], 16.0)
    geo = (torch.softmax(a["az_cos"] * 16, -1) * torch.softmax(b["az_cos"] * 16, -1)).sqrt()
    assert torch.allclose(torch.softmax(c["az_cos"] * 16, -1), geo / geo.sum(), atol=1e-6)  # geometric mean
    assert torch.allclose(torch.softmax(c["motion"], -1), (torch.softmax(a["motion"], -1) + torch.softmax(b["motion"], -1)) / 2)
    assert torch.sigmoid(c["orbit_cw"]).item() == pytest.approx((torch.sigmoid(torch.tensor(3.0)) + torch.sigmoid(torch.tensor(-1.0))).item() / 2)
    assert c["reg"][0, 0].item() == 2.0 and c["motion_reg"][0, 1].item() == 2.0
    assert c["el_logits"] is a["el_logits"]  # only the first member has the elevation head


@pytest.fixture(scope="module")
def tiny_ensemble(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ensemble") / "ens.pt"
    assert TINY_ARGS[-2:] == ["--members", "1"]
    r = oscbridge("train", *TINY_ARGS[:-2], "--out", str(out))  # the default: 2 members
    assert r.returncode == 0, r.stderr[-2000:]
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert [m["file"] for m in summary["members"]] == ["ens.member1.pt"] and summary["members"][0]["seed"] == 1
    return out


def test_an_ensemble_keeps_its_first_member_and_trains_the_second_apart(tiny, tiny_ensemble):
    """Member 0 of ``--members 2`` is the model ``--members 1`` trains, weight for weight; member 1 differs."""
    first = torch.load(tiny_ensemble, weights_only=True)
    single = torch.load(tiny, weights_only=True)
    second = torch.load(tiny_ensemble.with_name("ens.member1.pt"), weights_only=True)
    assert first["members"] == ["ens.member1.pt"] and "members" not in single and "members" not in second
    assert first["state_dict"].keys() == single["state_dict"].keys()
    for k, v in first["state_dict"].items():
        assert torch.equal(v, single["state_dict"][k]), k
    assert not any(k.startswith("el_head.") for k in second["state_dict"])
    trained = [k for k in second["state_dict"] if k.startswith(("trunk.", "az_", "bert.encoder.layer.1."))]
    assert trained and any(not torch.equal(second["state_dict"][k], first["state_dict"][k]) for k in trained)
    # the frozen layers are the same base in both (the tiny random base is stored whole)
    assert torch.equal(second["state_dict"]["bert.encoder.layer.0.output.dense.weight"],
                       first["state_dict"]["bert.encoder.layer.0.output.dense.weight"])


def test_served_ensemble_is_the_mean_of_its_members(tiny_ensemble):
    from oscbridge.checkpoint import load_checkpoint, load_members
    from oscbridge.model import combine_members
    from oscbridge.neural import NeuralPredictor
    from oscbridge.served import ServedModel

    model, tok, meta = load_checkpoint(tiny_ensemble)
    members = load_members(tiny_ensemble, model, meta["members"])
    assert len(members) == 1 and members[0].el_head is None
    # a member holds only what it trained: no embeddings, no frozen layers
    assert not hasattr(members[0].bert, "embeddings") and not list(members[0].bert.encoder.layer[0].parameters())
    enc = tok(["a", "a dog barks behind me on the left, far away", "violin at 10 o'clock"], padding=True,
              return_tensors="pt")
    ids, mask = enc["input_ids"], enc["attention_mask"]
    with torch.inference_mode():
        lower = model.eval().lower(ids, mask)  # the frozen layers, shared by every member
        each = [m.eval().upper(lower, mask) for m in (model, *members)]
        served = ServedModel(model, int8=False, members=members).eval()(ids, mask)
        alone = ServedModel(model, int8=False).eval()(ids, mask)
    want = combine_members(each, model.config.arc_scale)
    for k in want:
        assert torch.allclose(served[k], want[k], atol=1e-4), k
    assert not torch.allclose(served["az_cos"], alone["az_cos"], atol=1e-4)  # the second member counts
    p = NeuralPredictor(tiny_ensemble)
    assert p.members == 2
    r = oscbridge("predict", "--model", str(tiny_ensemble), "--json", "a dog barks behind me on the left")
    assert r.returncode == 0, r.stderr
    assert 0.0 <= json.loads(r.stdout)["confidence"] <= 1.0


@pytest.mark.parametrize("case", ["member-missing", "member-corrupt", "member-other-shape", "member-nests"])
def test_bad_ensemble_member_exits_4_with_one_line(case, tiny, tiny_ensemble, tmp_path):
    import shutil

    main = tmp_path / "ens.pt"
    shutil.copy(tiny_ensemble, main)
    member = tmp_path / "ens.member1.pt"
    if case == "member-corrupt":
        member.write_bytes(b"\x00garbage" * 100)
    elif case == "member-other-shape":
        payload = torch.load(tiny_ensemble.with_name("ens.member1.pt"), weights_only=True)
        payload["config"]["az_bins"] = 72
        torch.save(payload, member)
    elif case == "member-nests":
        payload = torch.load(tiny_ensemble.with_name("ens.member1.pt"), weights_only=True)
        payload["members"] = ["ens.pt"]
        torch.save(payload, member)
    for cmd in (["predict", "--model", str(main), "left"], ["serve", "--no-stdin", "--model", str(main)]):
        r = oscbridge(*cmd)
        assert r.returncode == 4, (case, cmd, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("oscbridge: error:") and "member" in lines[0], r.stderr


@pytest.mark.parametrize("which", ["single", "ensemble"])
def test_a_cue_with_numbers_is_read_twice_and_combined(which, request):
    """A cue whose text has numbers that are not places (oscbridge.reread) is read as written and without
    them, in one forward pass, and the two readings are combined as ensemble members are; a cue without
    such numbers answers as before; a cue's answer does not depend on the others in its batch."""
    from oscbridge.model import combine_members
    from oscbridge.neural import NeuralPredictor
    from oscbridge.reread import second_reading

    path = request.getfixturevalue("tiny" if which == "single" else "tiny_ensemble")
    p = NeuralPredictor(path, int8=False, trace=False)
    plain = NeuralPredictor(path, int8=False, trace=False, reread=False)
    cue = "scene 6 - 3 gunshots to the listener's right, 200 m"
    again = second_reading(cue)
    assert again is not None
    with torch.inference_mode():
        both = [plain._forward(*plain.encode([t])) for t in (cue, again)]
    want = plain.model.decode(combine_members(both, plain.model.config.arc_scale))
    got = p.raw([cue])
    for k in want:
        assert torch.allclose(got[k].float(), want[k].float(), atol=1e-4), k
    alone = plain.raw([cue])
    assert not torch.allclose(got["confidence"], alone["confidence"], atol=1e-6)  # the second reading counts
    for k in ("elevation_deg",):  # the word-level elevation head reads the text as written
        assert torch.equal(got[k], alone[k])
    no_numbers = "a dog barks behind me on the left, far away"
    a, b = p.raw([no_numbers]), plain.raw([no_numbers])
    assert all(torch.equal(a[k], b[k]) for k in a)
    batch = [no_numbers, cue, "track 9 vocal dead center, -3 dB", "violin at 10 o'clock"]
    together = p.raw(batch)
    for i, t in enumerate(batch):
        one = p.raw([t])
        for k in one:
            assert torch.allclose(together[k][i].float(), one[k][0].float(), atol=1e-4), (t, k)


def test_misspelt_direction_words_are_mended_before_the_model_and_the_parser_read_them(tiny):
    """With ``mend`` (the default) a cue is answered as its mended text would be, by the model and by the parser;
    the prediction keeps the text as typed. Without it the slip reaches the model."""
    from oscbridge.neural import NeuralPredictor
    from oscbridge.spelling import mend_spelling

    p = NeuralPredictor(tiny, int8=False, trace=False)
    raw = NeuralPredictor(tiny, int8=False, trace=False, mend=False)
    cue = "fireworks at the frnot right, 80 metres; pan it 30 degrees rihgt"
    fixed = mend_spelling(cue)
    assert fixed == "fireworks at the front right, 80 metres; pan it 30 degrees right"
    got, want, unmended = p.predict([cue])[0], raw.predict([fixed])[0], raw.predict([cue])[0]
    assert got.text == cue and want.text == fixed
    assert got.params == want.params and got.confidence == want.confidence
    assert got.params.azimuth_deg == pytest.approx(-30.0)  # the parser read "30 degrees right"
    assert unmended.params.azimuth_deg != pytest.approx(-30.0)  # ... which it cannot in "30 degrees rihgt"
    a, b = p.raw([cue]), p.raw([fixed])  # raw reads the text it is given
    assert not all(torch.equal(a[k], b[k]) for k in a)


def test_the_model_reads_a_cue_with_its_idioms_made_plain(tiny):
    """With ``idioms`` (the default) the model reads a cue with its idioms made plain (oscbridge.idioms), with and
    without the parser; the prediction keeps the text as typed."""
    from oscbridge.idioms import plain_idioms
    from oscbridge.neural import NeuralPredictor

    p = NeuralPredictor(tiny, int8=False, trace=False)
    raw = NeuralPredictor(tiny, int8=False, trace=False, idioms=False)
    cue = "right after the slam the dog barks 40 degrees to the left; front of house wants it loud"
    plain = plain_idioms(cue)
    assert plain == "after the slam the dog barks 40 degrees to the left; the venue wants it loud"
    got, want = p.predict([cue])[0], raw.predict([plain])[0]
    assert got.text == cue
    assert got.params == want.params and got.confidence == want.confidence
    assert got.params.azimuth_deg == pytest.approx(40.0)  # the parser's reading
    model_only, plain_model = p.without_parser().predict([cue])[0], raw.without_parser().predict([plain])[0]
    assert model_only.params == plain_model.params
    assert raw.without_parser().predict([cue])[0].confidence != model_only.confidence  # the idioms reach the model
