#!/usr/bin/env python3
"""Checks the deployment files as far as this machine can without a container engine or a cluster.

  python3 scripts/check-deployment.py --analyzer .build/debug/analyzer --logshipper .build/debug/logshipper

- deploy/kubernetes/*.yaml against the Kubernetes OpenAPI schemas (kubernetes-validate, strict: an
  unknown or misspelt field fails);
- every analyzer.yaml / logshipper.yaml inside a ConfigMap by the real binaries (`analyzer
  validate-config`, `logshipper validate`), and the images the manifests and compose files name;
- the Dockerfiles: the 6.3 toolchain, stages that exist, an ENTRYPOINT per image, a .dockerignore
  keeping .build and .git out of the build context.
Prints one line per problem and exits 1 if there is any.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

import kubernetes_validate
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE = re.compile(r"^swift-service-observability/(analyzer|logshipper|shop-demo):(\d+\.\d+\.\d+)$")
problems = []


def problem(where, text):
    problems.append(f"{os.path.relpath(where, ROOT)}: {text}")


def dockerfile_stages(path):
    stages, entrypoints, current = {}, {}, None
    with open(path) as f:
        text = re.sub(r"\\\n", " ", f.read())
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        instruction = words[0].upper()
        if instruction == "FROM":
            image = words[1]
            current = words[3] if len(words) >= 4 and words[2].upper() == "AS" else f"stage{len(stages)}"
            stages[current] = image
            if image not in stages and not image.startswith("swift:6.3-"):
                problem(path, f"stage {current} starts from {image}, not the project's swift:6.3 toolchain")
        elif instruction == "ENTRYPOINT":
            entrypoints[current] = line
        elif instruction == "COPY":
            for word in words:
                if word.startswith("--from=") and word[7:] not in stages:
                    problem(path, f"COPY --from={word[7:]} names no earlier stage")
    return stages, entrypoints


def check_dockerfiles(version):
    root_file = os.path.join(ROOT, "Dockerfile")
    stages, entrypoints = dockerfile_stages(root_file)
    for target in ("analyzer", "logshipper"):
        if target not in stages:
            problem(root_file, f"no '{target}' stage (docker build --target {target})")
        elif target not in entrypoints:
            problem(root_file, f"stage {target} has no ENTRYPOINT")
    shop_file = os.path.join(ROOT, "Examples/Shop/Dockerfile")
    shop_stages, shop_entrypoints = dockerfile_stages(shop_file)
    if list(shop_stages)[-1] not in shop_entrypoints:
        problem(shop_file, "the final stage has no ENTRYPOINT")
    ignore_file = os.path.join(ROOT, ".dockerignore")
    ignored = set(open(ignore_file).read().split()) if os.path.exists(ignore_file) else set()
    for needed in (".build", ".git"):
        if needed not in ignored:
            problem(ignore_file, f"does not leave out {needed}")
    return stages


def check_image(where, image, version):
    match = IMAGE.match(image or "")
    if not match:
        return False
    if match.group(2) != version:
        problem(where, f"image {image} is not this version ({version})")
    return True


def validate_config(where, name, text, binaries):
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, name)
        with open(path, "w") as f:
            f.write(text)
        environment = dict(os.environ)
        if name == "analyzer.yaml":
            # The Deployment sets ANALYZER_TOKEN from a Secret; the store's volume exists only in the pod.
            environment.update(ANALYZER_TOKEN="t", ANALYZER_STORE=os.path.join(directory, "analyzer.sqlite"))
            command = [binaries.analyzer, "validate-config", path]
        else:
            # The manifests mount the token from a Secret; here a readable file stands in for it.
            token = os.path.join(directory, "token")
            with open(token, "w") as f:
                f.write("t\n")
            command = [binaries.logshipper, "validate", path, "--set", f"sink.token_file={token}"]
            if "journald:" in text:
                command += ["--set", f"journald.directory={directory}"]
        run = subprocess.run(command, capture_output=True, text=True, env=environment)
        if run.returncode != 0:
            problem(where, f"ConfigMap {name} refused by {os.path.basename(command[0])}: {(run.stdout + run.stderr).strip()}")


def check_kubernetes(version, binaries):
    files = sorted(glob.glob(os.path.join(ROOT, "deploy/kubernetes/*.yaml")))
    if not files:
        problem(os.path.join(ROOT, "deploy/kubernetes"), "no manifests")
    kinds = set()
    for path in files:
        with open(path) as f:
            documents = [d for d in yaml.safe_load_all(f) if d]
        for document in documents:
            kinds.add(document.get("kind"))
            try:
                kubernetes_validate.validate(document, "1.30.0", strict=True)
            except kubernetes_validate.ValidationError as error:
                problem(path, f"{document.get('kind')}/{document.get('metadata', {}).get('name')}: {error.message} at {'/'.join(map(str, error.path))}")
            except Exception as error:  # a kind the schemas do not know
                problem(path, f"{document.get('kind')}: {error}")
            if document.get("kind") == "ConfigMap":
                for name, text in document.get("data", {}).items():
                    if name in ("analyzer.yaml", "logshipper.yaml"):
                        validate_config(path, name, text, binaries)
            spec = document.get("spec", {}).get("template", {}).get("spec", {})
            for container in spec.get("containers", []):
                ours = check_image(path, container.get("image"), version)
                if ours and not (container.get("livenessProbe") or container.get("readinessProbe")):
                    problem(path, f"container {container['name']} has no probe")
    for kind in ("Deployment", "DaemonSet", "Service", "ConfigMap", "PersistentVolumeClaim"):
        if kind not in kinds:
            problem(os.path.join(ROOT, "deploy/kubernetes"), f"no {kind}")


def check_compose(version, stages):
    for path in [os.path.join(ROOT, "Examples/LogShipper/docker-compose.yml"), os.path.join(ROOT, "Examples/Shop/docker-compose.yml")]:
        with open(path) as f:
            compose = yaml.safe_load(f)
        for name, service in compose.get("services", {}).items():
            image = service.get("image")
            if not image:
                problem(path, f"service {name} names no image")
                continue
            ours = check_image(path, image, version)
            if image.startswith("swift-service-observability") and not ours:
                problem(path, f"service {name}: image {image} is not named swift-service-observability/NAME:VERSION")
            build = service.get("build")
            if build:
                context = os.path.normpath(os.path.join(os.path.dirname(path), build.get("context", ".")))
                if not os.path.exists(os.path.join(context, build.get("dockerfile", "Dockerfile"))):
                    problem(path, f"service {name} builds from {context}, which has no Dockerfile")
                elif build.get("target") and build["target"] not in stages:
                    problem(path, f"service {name} builds target {build['target']}, which the Dockerfile does not have")
                if ours and build.get("target") and not image.split("/")[1].startswith(build["target"] + ":"):
                    problem(path, f"service {name}: image {image} is built from target {build['target']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--analyzer", required=True)
    parser.add_argument("--logshipper", required=True)
    binaries = parser.parse_args()
    version = subprocess.run([binaries.analyzer, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    stages = check_dockerfiles(version)
    check_kubernetes(version, binaries)
    check_compose(version, stages)
    for line in problems:
        print(f"problem: {line}")
    if problems:
        sys.exit(1)
    print(f"ok: Dockerfiles, .dockerignore, deploy/kubernetes and the compose files (version {version})")


if __name__ == "__main__":
    main()
