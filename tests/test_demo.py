import nengo

from nengo_lmu import demo


def test_demo_runs_and_reports(tmp_path, capsys):
    path = tmp_path / "demo.png"
    demo.main(["--seconds", "1.5", "--neurons", "600", "--plot", str(path)])
    out = capsys.readouterr().out
    assert "ideal (Direct mode)" in out and "spiking" in out
    assert path.stat().st_size > 10_000


def test_demo_spiking_close_to_ideal():
    result = demo.run(6, 0.1, 1200, nengo.LIF(), 10, 2.5, 0.001, seed=1)
    assert result["direct_nrmse"] < 0.003
    assert result["spiking_nrmse"] < 0.045
