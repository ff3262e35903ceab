import { describe, expect, it } from 'vitest';
import { interpolationExpr, outcomes, type Resolve } from './expr.js';

const values: Resolve = (ns, n) => (ns === 'helm' && n === 'mode' ? { k: 'lit', v: 'OBSERVE' } : undefined);
const o = (s: string, r?: Resolve) => outcomes(interpolationExpr(s), r);

describe('value expressions: what the consumer reads without an override', () => {
  it('shell and compose defaults', () => {
    expect(o('${X:-EXECUTE}')).toMatchObject({ values: ['EXECUTE'], open: false });
    expect(o('${X-EXECUTE}').values).toEqual(['EXECUTE']);
    expect(o('${X:=EXECUTE}').values).toEqual(['EXECUTE']);
    // ${X:?err}: compose fails when X is unset; the message is never the value.
    expect(o('${X:?EXECUTE}')).toMatchObject({ values: [''], open: true });
    expect(o('${X:+EXECUTE}')).toMatchObject({ values: [''], open: true });
    expect(o('EXECUTE${X}')).toMatchObject({ values: ['EXECUTE'], open: true });
    expect(o('$$X').values).toEqual(['$X']);
    expect(o('$(echo EXECUTE)')).toMatchObject({ open: true, computed: true });
  });
  it('Spring placeholders, nested', () => {
    expect(o('${AGENT_MODE_OVERRIDE:EXECUTE}').values).toEqual(['EXECUTE']);
    expect(o('${agent.mode:EXECUTE}').values).toEqual(['EXECUTE']);
    expect(o('${a.b:${c:EXECUTE}}').values).toEqual(['EXECUTE']);
    expect(o('${agent.mode}')).toMatchObject({ values: [''], open: true });
  });
  it('Helm / Go templates', () => {
    expect(o('{{ .Values.mode | default "EXECUTE" | quote }}').values).toEqual(['EXECUTE']);
    expect(o('{{ default "EXECUTE" .Values.mode }}').values).toEqual(['EXECUTE']);
    expect(o('{{ .Values.mode | default "EXECUTE" }}', values).values).toEqual(['OBSERVE']);
    expect(o('{{ .Values.mode | quote }}', values)).toMatchObject({ values: ['OBSERVE'], open: false });
    expect(o('{{ .Values.mode | quote }}')).toMatchObject({ values: [''], open: true });
    expect(o('{{- .Values.other -}}')).toMatchObject({ values: [''], open: true });
    expect(o('{{ ternary "EXECUTE" "OBSERVE" .Values.x }}').values).toEqual(['EXECUTE', 'OBSERVE']);
    expect(o('{{ coalesce .Values.x "EXECUTE" }}').values).toEqual(['EXECUTE']);
    expect(o('{{ .Values.x | upper }}')).toMatchObject({ values: [''], open: true });
    expect(o('{{ include "x" . }}')).toMatchObject({ values: [''], open: true });
  });
  it('Jinja and GitHub expressions', () => {
    expect(o("{{ lookup('env', 'AGENT_MODE_OVERRIDE') | default('EXECUTE', true) }}").values).toEqual(['EXECUTE']);
    expect(o("{{ agent_mode | default('OBSERVE') }}").values).toEqual(['OBSERVE']);
    expect(o("{{ agent_mode | d('EXECUTE') | upper }}").values).toEqual(['EXECUTE']);
    expect(o("{{ mode or 'EXECUTE' }}").values).toEqual(['EXECUTE']);
    expect(o("${{ vars.MODE || 'EXECUTE' }}").values).toEqual(['EXECUTE']);
    expect(o('${{ vars.MODE }}')).toMatchObject({ values: [''], open: true });
  });
});
