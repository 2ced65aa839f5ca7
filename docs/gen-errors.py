#!/usr/bin/env python3
"""Expand @@example blocks of a Markdown template by running sonde.

Block syntax in the template:
    @@example [OPTIONS...] [:: SCRIPT-ARGS...]
    script lines
    @@end
The block becomes the script (```text) and the command with its output
(```text). Unless a section says "@@expect none", the output of its examples
must contain the message of the section's catalog code.
"""
import os, re, shlex, subprocess, sys, tempfile

tmpl, out_path, sonde, catalog = sys.argv[1:5]
fname = os.environ.get("EXAMPLE_NAME", "example.stp")

codes = {}
order = []
for line in open(catalog):
    m = re.match(r'D\(([A-Z_0-9]+), "(.*)"\)\s*$', line)
    if m:
        code = m.group(1).lower().replace('_', '-')
        fmt = m.group(2).replace('\\"', '"').replace('\\\\', '\\')
        codes[code] = fmt
        order.append(code)

def fmt_regex(fmt):
    out = ''
    i = 0
    while i < len(fmt):
        if fmt.startswith('%%', i):
            out += re.escape('%'); i += 2
        elif fmt.startswith('%s', i):
            out += '.*'; i += 2
        elif fmt.startswith('%d', i):
            out += r'-?\d+'; i += 2
        else:
            out += re.escape(fmt[i]); i += 1
    return out

lines = open(tmpl).read().split('\n')
res = []
section = None
expect = None
found = {}
problems = []
i = 0
work = tempfile.mkdtemp()
# Examples that need the kernel's DWARF use the debug information sonde's
# own cache holds (vm/debuginfo.sh), and its index, instead of indexing again.
real_cache = os.environ.get('SONDE_CACHE') or os.path.join(
    os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'), 'sonde')
os.makedirs(os.path.join(work, 'cache'), exist_ok=True)
if os.path.isdir(os.path.join(real_cache, 'dwarf')):
    os.symlink(os.path.join(real_cache, 'dwarf'), os.path.join(work, 'cache', 'dwarf'))
debug_path = ':'.join(sorted(
    os.path.join(real_cache, 'vm', k, 'debug', 'vmlinux')
    for k in (os.listdir(os.path.join(real_cache, 'vm')) if os.path.isdir(os.path.join(real_cache, 'vm')) else [])
    if os.path.isfile(os.path.join(real_cache, 'vm', k, 'debug', 'vmlinux'))))
while i < len(lines):
    line = lines[i]
    m = re.match(r'^### (\S+)$', line)
    if m:
        section = m.group(1)
        expect = section
        if section not in codes:
            problems.append(f'heading {section} is not a catalog code')
    if line.startswith('@@expect'):
        expect = line.split()[1]
        if expect == 'none':
            found[section] = True
        i += 1
        continue
    if line.startswith('@@example'):
        use_e = line.startswith('@@example-e')
        spec = line[len('@@example-e' if use_e else '@@example'):].strip()
        if '::' in spec:
            o, a = spec.split('::', 1)
        else:
            o, a = spec, ''
        opts = shlex.split(o) or ['-p2']
        args = shlex.split(a)
        body = []
        i += 1
        while lines[i] != '@@end':
            body.append(lines[i]); i += 1
        i += 1
        script = '\n'.join(body) + '\n'
        with open(os.path.join(work, fname), 'w') as f:
            f.write(script)
        target = ['-e', '\n'.join(body)] if use_e else [fname]
        p = subprocess.run([sonde] + opts + target + args, cwd=work,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, env=dict(os.environ, SONDE_CACHE=os.path.join(work, 'cache'),
                                    # only for the test kernels: other examples read the same everywhere
                                    SONDE_DEBUGINFO_PATH=debug_path if '-r 6.' in o else ''))
        output = p.stdout.rstrip('\n')
        cmd = ' '.join(['sonde'] + [shlex.quote(x) for x in opts + target] + [shlex.quote(x) for x in args])
        if not use_e:
            res.append('```text')
            res.extend(body)
            res.append('```')
            res.append('')
        res.append('```text')
        res.append('$ ' + cmd)
        res.append(output)
        res.append('```')
        if expect and expect != 'none' and expect in codes:
            rx = re.compile(r'(error|warning|note): ' + fmt_regex(codes[expect]) + '$|^hint: ' + fmt_regex(codes[expect]) + '$|^sonde: error: ' + fmt_regex(codes[expect]) + '$', re.M)
            if rx.search(output):
                found[section] = True
            else:
                problems.append(f'{section}: example output lacks the message:\n{output}')
        continue
    res.append(line)
    i += 1

heads = [l[4:] for l in res if l.startswith('### ')]
for c in order:
    if c not in heads:
        problems.append(f'missing section {c}')
    elif c not in found:
        problems.append(f'{c}: no example shows it and no @@expect none')
# order check
pos = [heads.index(c) for c in order if c in heads]
if pos != sorted(pos):
    problems.append('sections are not in catalog order')
open(out_path, 'w').write('\n'.join(res))
for p in problems:
    print('PROBLEM:', p, file=sys.stderr)
print(f'{len(heads)} sections, {len(order)} codes', file=sys.stderr)
