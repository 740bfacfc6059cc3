"""Sweeps on a TLS-secured Dask cluster: they run with the certificates, through run_sweep and the
CLI's --scheduler tls://... --tls-* options, and a client without them is refused.

The certificates are made here: a certificate authority (CA) that signs the cluster's and the
client's certificate, and an intruder's CA and certificate. The cluster runs in this process
(workers are threads), which keeps the test to a few seconds.
"""

import datetime
import ipaddress
import json

import pytest

from qlcore import cli
from qlcore.infra import sweep
from qlcore.infra.checks import InputError, QLCoreError
from qlcore.infra.sweep import run_sweep

distributed = pytest.importorskip("distributed")
x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

TLS_VARIABLES = [*sweep.TLS_ENV.values(), sweep.SCHEDULER_ENV]


def cube(x):
    return x**3


def _certificate(name, key, issuer_name, issuer_key, *, ca):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def make_authority(folder, stem):
    """A CA and one certificate it signs, as PEM files ``stem-ca.pem``, ``stem.pem``,
    ``stem.key``; returns their paths."""
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(f"{stem} CA", ca_key, f"{stem} CA", ca_key, ca=True)
    cert = _certificate(stem, key, f"{stem} CA", ca_key, ca=False)
    paths = {"ca": folder / f"{stem}-ca.pem", "cert": folder / f"{stem}.pem"}
    paths["key"] = folder / f"{stem}.key"
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("certificates")
    return make_authority(folder, "cluster"), make_authority(folder, "intruder")


@pytest.fixture(scope="module")
def tls_cluster(certificates):
    from distributed.security import Security

    own, _ = certificates
    files = {"tls_ca_file": str(own["ca"])}
    for role in ("scheduler", "worker", "client"):
        files[f"tls_{role}_cert"], files[f"tls_{role}_key"] = str(own["cert"]), str(own["key"])
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tls://",
        host="127.0.0.1",
        security=Security(require_encryption=True, **files),
        dashboard_address=None,
    ) as cluster:
        assert cluster.scheduler_address.startswith("tls://")
        yield cluster


@pytest.fixture
def clean_environment(monkeypatch):
    """No scheduler or TLS settings from the environment; whatever a test sets is undone."""
    for variable in TLS_VARIABLES:
        monkeypatch.setenv(variable, "unset")
        monkeypatch.delenv(variable)
    return monkeypatch


def tasks_run(cluster) -> int:
    """How many sweep points (``_evaluate`` tasks) the cluster's scheduler has seen."""
    prefix = cluster.scheduler.task_prefixes.get("evaluate")
    return 0 if prefix is None else sum(prefix.state_counts.values())


def use_certificates(monkeypatch, paths):
    monkeypatch.setenv(sweep.TLS_ENV["tls_ca_file"], str(paths["ca"]))
    monkeypatch.setenv(sweep.TLS_ENV["tls_client_cert"], str(paths["cert"]))
    monkeypatch.setenv(sweep.TLS_ENV["tls_client_key"], str(paths["key"]))


def test_a_sweep_runs_on_the_tls_cluster_with_the_certificates(
    tls_cluster, certificates, clean_environment
):
    use_certificates(clean_environment, certificates[0])
    points = [{"x": x} for x in range(5)]
    assert run_sweep(cube, points, scheduler=tls_cluster.scheduler_address) == [
        x**3 for x in range(5)
    ]


def test_a_client_without_the_certificates_is_refused(tls_cluster, certificates, clean_environment):
    address = tls_cluster.scheduler_address
    with pytest.raises(InputError, match="no certificates are set"):
        run_sweep(cube, [{"x": 1}], scheduler=address)
    use_certificates(clean_environment, certificates[1])  # signed by another CA
    with pytest.raises(QLCoreError, match=f"cannot connect to a Dask scheduler at {address}"):
        run_sweep(cube, [{"x": 1}], scheduler=address)
    plain = address.replace("tls://", "tcp://")  # no TLS at all
    with pytest.raises(QLCoreError, match="cannot connect"):
        run_sweep(cube, [{"x": 1}], scheduler=plain)


@pytest.mark.slow
def test_the_cli_reaches_the_tls_cluster(tls_cluster, certificates, clean_environment, tmp_path):
    clean_environment.setenv("QLCORE_CACHE", str(tmp_path / "cache"))
    own = certificates[0]
    address = tls_cluster.scheduler_address
    before = tasks_run(tls_cluster)
    code = cli.main(
        [
            "reproduce",
            "sarao-fig2",
            "--scale",
            "quick",
            "--out",
            str(tmp_path / "out"),
            "--scheduler",
            address,
            "--tls-ca-file",
            str(own["ca"]),
            "--tls-cert",
            str(own["cert"]),
            "--tls-key",
            str(own["key"]),
        ]
    )
    assert code == 0
    result = json.loads((tmp_path / "out" / "sarao-fig2.json").read_text())
    assert result["provenance"]["scheduler"] == address
    assert tasks_run(tls_cluster) > before  # the points ran there
