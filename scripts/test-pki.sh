# A throwaway test PKI for the fixture scripts, sourced by make-signed-fixtures.sh,
# make-three-signer-fixtures.sh and make-previous-fixtures.sh. Everything is written to
# "$work" (the caller's temp dir, deleted on exit): keys never outlive the script, only
# the CA certificates the caller copies out are kept.
#
#   ca NAME SUBJECT                 a self-signed CA: $work/NAME.pem and $work/NAME.key
#   leaf NAME SUBJECT NEWKEY-ARGS…  a signer certificate issued by $work/ca.pem
#                                   (e.g. -newkey rsa:2048, or -newkey ec -pkeyopt
#                                   ec_paramgen_curve:P-256)

cat >"$work/leaf.ext" <<'EXT'
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT

ca() { # NAME SUBJECT
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -utf8 -subj "$2" \
    -keyout "$work/$1.key" -out "$work/$1.pem" \
    -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

leaf() { # NAME SUBJECT NEWKEY-ARGS...
  local name=$1 subject=$2
  shift 2
  openssl req -new -nodes -utf8 -subj "$subject" -keyout "$work/$name.key" -out "$work/$name.csr" "$@" 2>/dev/null
  openssl x509 -req -in "$work/$name.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$work/leaf.ext" -out "$work/$name.pem" 2>/dev/null
}
