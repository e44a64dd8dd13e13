"""fixerr.py FILE LINE OLD NEW [into]: at LINE, replace the first OLD (e.g. 'Error::Io {') with NEW
(e.g. 'BaseError::Io {'); with 'into', append .into() after the struct literal's closing brace."""
import sys
f, line, old, new = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
into = len(sys.argv) > 5
s = open(f).read()
lines = s.split('\n')
off = sum(len(l) + 1 for l in lines[:line-1])
i = s.index(old, off)
assert i < off + len(lines[line-1]) + 1, (f, line, old)
s = s[:i] + new + s[i+len(old):]
if into:
    j = s.index('{', i + len(new) - 2)
    depth = 0
    while True:
        c = s[j]
        if c == '{': depth += 1
        elif c == '}':
            depth -= 1
            if depth == 0: break
        j += 1
    s = s[:j+1] + '.into()' + s[j+1:]
open(f, 'w').write(s)
