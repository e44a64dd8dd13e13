import re,sys,os
res=[]
for root,_,files in os.walk('src'):
    for f in files:
        if not f.endswith('.rs'): continue
        p=os.path.join(root,f); lines=open(p).read().split('\n')
        i=0
        while i<len(lines):
            m=re.match(r'^(\s*)(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)',lines[i])
            if m:
                indent=len(m.group(1)); name=m.group(7)
                # find opening brace line then closing at same indent
                j=i
                while j<len(lines) and not lines[j].rstrip().endswith('{') and not lines[j].rstrip().endswith(';'): j+=1
                if j<len(lines) and lines[j].rstrip().endswith(';'): i=j+1; continue
                k=j+1
                while k<len(lines) and not (lines[k].startswith(' '*indent+'}') and len(lines[k])-len(lines[k].lstrip())==indent): k+=1
                n=k-i+1
                if n>int(sys.argv[1]): res.append((n,p,name,i+1))
                i=i+1
            else: i+=1
for r in sorted(res,reverse=True): print(*r)
