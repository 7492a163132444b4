{
  description = "fsv-ts: FSV and baselines for cooperative multi-agent RL, as reproducible pipelines";

  # Pinned nixpkgs: Node 24 comes from here for `nix run` and `nix develop`.
  # Inside the apps, `npm ci` installs the exact versions of package-lock.json.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.05";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAll = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
      # An app runs in the user's checkout (the artifact store is ./artifacts there).
      app = pkgs: name: args: {
        type = "app";
        program = toString (pkgs.writeShellScript "fsv-${name}" ''
          set -euo pipefail
          export PATH=${pkgs.nodejs_24}/bin:$PATH
          if [ ! -f package.json ] || ! grep -q '"name": "fsv-ts"' package.json; then
            echo "error: run this from an fsv-ts checkout (the artifact store is ./artifacts)" >&2
            exit 1
          fi
          [ -d node_modules ] || npm ci --no-audit --no-fund
          exec node bin/fsv.mjs ${args} "$@"
        '');
      };
    in {
      apps = forAll (pkgs: {
        reproduce-matrix = app pkgs "reproduce-matrix" "reproduce matrix";
        reproduce-quadratics = app pkgs "reproduce-quadratics" "reproduce quadratics";
        reproduce-smac = app pkgs "reproduce-smac" "reproduce smac";
        fsv = app pkgs "fsv" "";
        default = app pkgs "fsv" "";
      });

      devShells = forAll (pkgs: {
        default = pkgs.mkShell { packages = [ pkgs.nodejs_24 pkgs.git ]; };
      });
    };
}
