/**
 * The DLM grammar (docs/language.md §2) as a Chevrotain CST parser: grammar only, no actions.
 * Recovery is on, so one run reports every syntax error and still builds a (partial) tree;
 * `cst-to-ast.ts` turns that tree into `ast.ts` nodes and `parse.ts` words the errors.
 */
import {
  CstParser,
  EOF,
  tokenMatcher,
  type CstNode,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type TokenType,
} from "chevrotain";
import {
  ALL_TOKENS,
  ArithmeticOperator,
  Block,
  Colon,
  Comma,
  Equals,
  Experiment,
  False,
  Identifier,
  Import,
  Input,
  LBracket,
  LCurly,
  LParen,
  Model,
  NumberLiteral,
  Question,
  RBracket,
  RCurly,
  Repeat,
  Residual,
  RParen,
  Separator,
  Sign,
  StringLiteral,
  True,
} from "./tokens.js";

/**
 * The labels rules give their children, each option object made once: a `{ LABEL }` literal
 * in a rule would be a new object on every token or value it matches.
 */
const LABEL = {
  callee: { LABEL: "callee" },
  count: { LABEL: "count" },
  defaultValue: { LABEL: "defaultValue" },
  input: { LABEL: "input" },
  items: { LABEL: "items" },
  key: { LABEL: "key" },
  label: { LABEL: "label" },
  layerName: { LABEL: "layerName" },
  name: { LABEL: "name" },
  operands: { LABEL: "operands" },
  operators: { LABEL: "operators" },
  path: { LABEL: "path" },
  signs: { LABEL: "signs" },
  type: { LABEL: "type" },
} as const;

/** What the parser expected where it failed, as data; `parse.ts` turns it into words. */
export interface SyntaxExpectation {
  readonly kind: "mismatch" | "noViableAlternative" | "earlyExit" | "redundantInput";
  /** Names of the token types that would have been accepted. */
  readonly expected: readonly string[];
  /** The grammar rule that failed. */
  readonly rule: string;
}

function firstTokenNames(paths: readonly (readonly TokenType[])[]): string[] {
  const names = new Set<string>();
  for (const path of paths) {
    const first = path[0];
    if (first) names.add(first.name);
  }
  return [...names];
}

function encode(expectation: SyntaxExpectation): string {
  return JSON.stringify(expectation);
}

// Chevrotain's exceptions carry only a message string, so the expectation travels through
// it as JSON; its default English ("Expecting --> X <--") never reaches the user.
const expectationRecorder: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, ruleName }) =>
    encode({ kind: "mismatch", expected: [expected.name], rule: ruleName }),
  buildNotAllInputParsedMessage: ({ ruleName }) =>
    encode({ kind: "redundantInput", expected: ["EOF"], rule: ruleName }),
  buildNoViableAltMessage: ({ expectedPathsPerAlt, ruleName }) =>
    encode({
      kind: "noViableAlternative",
      expected: firstTokenNames(expectedPathsPerAlt.flat()),
      rule: ruleName,
    }),
  buildEarlyExitMessage: ({ expectedIterationPaths, ruleName }) =>
    encode({ kind: "earlyExit", expected: firstTokenNames(expectedIterationPaths), rule: ruleName }),
};

/** Reads back the expectation `parse.ts` finds in a Chevrotain exception's message. */
export function readExpectation(message: string): SyntaxExpectation | undefined {
  try {
    const value: unknown = JSON.parse(message);
    if (typeof value === "object" && value !== null && "kind" in value) {
      return value as SyntaxExpectation;
    }
  } catch {
    // Not one of ours: fall through.
  }
  return undefined;
}

/**
 * After this many errors the parser stops recovering and skips to the end of the file.
 * Chevrotain's recovery scans ahead for a resynchronisation point on every error, so an
 * unbounded number of errors (a binary file) would cost quadratic time and deep recursion.
 */
export const MAX_RECOVERED_ERRORS = 100;

/**
 * Brackets nested deeper than this, and operator chains longer than this, are rejected
 * (DLM108): the parser and every later phase recurse over the tree, so its depth must stay
 * bounded whatever the input.
 */
export const MAX_NESTING = 64;

/** How far ahead (in tokens) recovery looks for a point to resume at. */
const RESYNC_WINDOW = 2000;

/** Chevrotain's recovery internals this parser tunes (not in its public typings). */
interface RecoveryInternals {
  flattenFollowSet(): TokenType[];
  shouldInRepetitionRecoveryBeTried(expected: TokenType, nextTokenIndex: number, notStuck?: boolean): boolean;
}

const chevrotainRecovery = CstParser.prototype as unknown as RecoveryInternals;

/** Chevrotain's CST-building state that {@link DlmParser.cstInvocationStateUpdate} uses (not in its public typings). */
interface TreeBuilderInternals {
  readonly CST_STACK: CstNode[];
  setInitialNodeLocation(node: CstNode): void;
}

/**
 * The grammar. Use the shared {@link dlmParser} instance; construction analyses the grammar.
 *
 * Rules are class fields with no actions. In the rules that run once per value, member or
 * layer, the alternatives and loop bodies are built once (the `*Alternatives` and `*Part`
 * fields) instead of as fresh closures on every call, as Chevrotain's performance guide
 * advises: it halves the garbage a parse produces.
 */
export class DlmParser extends CstParser {
  /**
   * `validateGrammar` runs Chevrotain's grammar checks (ambiguities, left recursion) while
   * analysing; the shared instance skips them, which takes a fifth off every process's start,
   * and a test builds a validating parser instead.
   */
  constructor(options: { readonly validateGrammar?: boolean } = {}) {
    super([...ALL_TOKENS], {
      recoveryEnabled: true,
      maxLookahead: 2,
      errorMessageProvider: expectationRecorder,
      skipValidations: options.validateGrammar !== true,
    });
    this.performSelfAnalysis();
  }

  /** file = { import | model | block | experiment } */
  readonly file = this.RULE("file", () => {
    this.MANY(() => this.OR(this.declarationAlternatives));
  });

  private readonly declarationAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.importDecl) },
    { ALT: () => this.SUBRULE(this.modelDecl) },
    { ALT: () => this.SUBRULE(this.blockDecl) },
    { ALT: () => this.SUBRULE(this.experimentDecl) },
  ];

  /** import "other.dlm" */
  readonly importDecl = this.RULE("importDecl", () => {
    this.CONSUME(Import);
    this.CONSUME(StringLiteral, LABEL.path);
  });

  /** model NAME [ "(" "input" ":" value ")" ] layer_body */
  readonly modelDecl = this.RULE("modelDecl", () => {
    this.CONSUME(Model);
    this.CONSUME(Identifier, LABEL.name);
    this.OPTION(() => {
      this.CONSUME(LParen);
      this.CONSUME(Input);
      this.CONSUME(Colon);
      this.SUBRULE(this.value, LABEL.input);
      this.CONSUME(RParen);
    });
    this.SUBRULE(this.layerBody);
  });

  /** block NAME "(" [ param { "," param } [","] ] ")" layer_body */
  readonly blockDecl = this.RULE("blockDecl", () => {
    this.CONSUME(Block);
    this.CONSUME(Identifier, LABEL.name);
    this.CONSUME(LParen);
    this.OPTION(() => {
      this.SUBRULE(this.blockParam);
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.blockParam);
      });
      this.OPTION2(() => this.CONSUME2(Comma));
    });
    this.CONSUME(RParen);
    this.SUBRULE(this.layerBody);
  });

  /** param = NAME [ ":" type ] [ "=" value ] */
  readonly blockParam = this.RULE("blockParam", () => {
    this.CONSUME(Identifier, LABEL.name);
    this.OPTION(() => {
      this.CONSUME(Colon);
      this.CONSUME2(Identifier, LABEL.type);
    });
    this.OPTION2(() => {
      this.CONSUME(Equals);
      this.SUBRULE(this.value, LABEL.defaultValue);
    });
  });

  /** experiment NAME "{" { member } "}" */
  readonly experimentDecl = this.RULE("experimentDecl", () => {
    this.CONSUME(Experiment);
    this.CONSUME(Identifier, LABEL.name);
    this.SUBRULE(this.memberBody);
  });

  /** "{" { member [ "," | ";" ] } "}" — the body of an experiment or a section. */
  readonly memberBody = this.RULE("memberBody", () => {
    this.CONSUME(LCurly);
    this.MANY(this.memberPart);
    this.CONSUME(RCurly);
  });

  private readonly memberPart = (): void => {
    this.SUBRULE(this.member);
    this.OPTION(this.separatorPart);
  };

  private readonly separatorPart = (): void => {
    this.CONSUME(Separator);
  };

  /**
   * member = "model" layer_body | NAME ":" value | NAME [ "(" args ")" ] [ NAME ] [ "{" members "}" ]
   * The setting and the section-or-call are inlined here (no rule of their own) because
   * members are frequent and every rule costs a CST node. A NAME with a body is a section
   * (`data {`, `stage(1) {`, `stage warmup {`), without one a call member: one alternative,
   * so no unbounded lookahead is needed to tell `NAME(args) {` from `NAME(args)`.
   */
  readonly member = this.RULE("member", () => {
    this.OR(this.memberAlternatives);
  });

  private readonly memberAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.inlineModel) },
    {
      // A setting; `model: SmallCnn` too.
      ALT: () => {
        this.OR2(this.settingNameAlternatives);
        this.CONSUME(Colon);
        this.SUBRULE(this.value);
      },
    },
    {
      // A section or a call member.
      ALT: () => {
        this.CONSUME2(Identifier, LABEL.name);
        this.OPTION(this.argListPart);
        // A label only directly before `{` and never after arguments: `a b` on their own, and
        // `tokenize(...)` followed by `split {`, are two members.
        this.OPTION2(this.sectionLabelOption);
        this.OPTION3(this.memberBodyPart);
      },
    },
  ];

  private readonly settingNameAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(Identifier, LABEL.name) },
    { ALT: () => this.CONSUME(Model, LABEL.name) },
  ];

  private readonly sectionLabelOption = {
    // Only right after the name (`stage warmup {`): after `call(args)` a NAME starts the next member.
    GATE: (): boolean => this.LA(2).tokenType === LCurly && this.LA(0).tokenType === Identifier,
    DEF: (): void => {
      this.CONSUME3(Identifier, LABEL.label);
    },
  };

  private readonly memberBodyPart = (): void => {
    this.SUBRULE(this.memberBody);
  };

  /** "model" layer_body inside an experiment. */
  readonly inlineModel = this.RULE("inlineModel", () => {
    this.CONSUME(Model);
    this.SUBRULE(this.layerBody);
  });

  /** "{" { layer [ "," | ";" ] } "}" */
  readonly layerBody = this.RULE("layerBody", () => {
    this.CONSUME(LCurly);
    this.MANY(this.layerPart);
    this.CONSUME(RCurly);
  });

  private readonly layerPart = (): void => {
    this.SUBRULE(this.layer);
    this.OPTION(this.separatorPart);
  };

  /** layer = repeat | [ NAME "=" ] ( residual | call ) — the call inlined, layers being frequent. */
  readonly layer = this.RULE("layer", () => {
    this.OR(this.layerAlternatives);
  });

  private readonly layerAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.repeatLayer) },
    {
      ALT: () => {
        this.OPTION(this.layerNamePart);
        this.OR2(this.namedLayerAlternatives);
      },
    },
  ];

  private readonly namedLayerAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.residualLayer) },
    { ALT: () => this.SUBRULE(this.call) },
  ];

  private readonly layerNamePart = (): void => {
    this.CONSUME(Identifier, LABEL.layerName);
    this.CONSUME(Equals);
  };

  /** "residual" [ "(" [ residual_option { "," residual_option } [","] ] ")" ] layer_body */
  readonly residualLayer = this.RULE("residualLayer", () => {
    this.CONSUME(Residual);
    this.OPTION(this.residualOptionsPart);
    this.SUBRULE(this.layerBody);
  });

  private readonly residualOptionsPart = (): void => {
    this.CONSUME(LParen);
    this.OPTION2(this.residualOptionListPart);
    this.CONSUME(RParen);
  };

  private readonly residualOptionListPart = (): void => {
    this.SUBRULE(this.residualOption);
    this.MANY(this.nextResidualOptionPart);
    this.OPTION3(this.trailingResidualCommaPart);
  };

  private readonly nextResidualOptionPart = (): void => {
    this.CONSUME(Comma);
    this.SUBRULE2(this.residualOption);
  };

  private readonly trailingResidualCommaPart = (): void => {
    this.CONSUME2(Comma);
  };

  /** residual_option = NAME ":" layer_body — `shortcut: { conv2d(256, 1) batch_norm }`. */
  readonly residualOption = this.RULE("residualOption", () => {
    this.CONSUME(Identifier, LABEL.name);
    this.CONSUME(Colon);
    this.SUBRULE(this.layerBody);
  });

  /** "repeat" (INT | NAME) layer_body; a NAME lets a block parameter give the count. */
  readonly repeatLayer = this.RULE("repeatLayer", () => {
    this.CONSUME(Repeat);
    this.OR(this.repeatCountAlternatives);
    this.SUBRULE(this.layerBody);
  });

  private readonly repeatCountAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(NumberLiteral, LABEL.count) },
    { ALT: () => this.CONSUME(Identifier, LABEL.count) },
  ];

  /** NAME [ "(" args ")" ]: a bare NAME is a call without parentheses. */
  readonly call = this.RULE("call", () => {
    this.CONSUME(Identifier, LABEL.callee);
    this.OPTION(this.argListPart);
  });

  private readonly argListPart = (): void => {
    this.SUBRULE(this.argList);
  };

  /** "(" [ arg { "," arg } [","] ] ")" */
  readonly argList = this.RULE("argList", () => {
    this.CONSUME(LParen);
    this.OPTION(this.argumentsPart);
    this.CONSUME(RParen);
  });

  private readonly argumentsPart = (): void => {
    this.SUBRULE(this.arg);
    this.MANY(this.nextArgumentPart);
    this.OPTION2(this.trailingCommaPart);
  };

  private readonly nextArgumentPart = (): void => {
    this.CONSUME(Comma);
    this.SUBRULE2(this.arg);
  };

  private readonly trailingCommaPart = (): void => {
    this.CONSUME2(Comma);
  };

  /** arg = [ NAME ":" ] value */
  readonly arg = this.RULE("arg", () => {
    this.OPTION(this.argumentNamePart);
    this.SUBRULE(this.value);
  });

  private readonly argumentNamePart = (): void => {
    this.CONSUME(Identifier, LABEL.name);
    this.CONSUME(Colon);
  };

  /**
   * value = operand { ("+" | "-" | "*" | "/") operand }. One flat chain: `cst-to-ast.ts`
   * applies the precedence, which spares two CST levels on every value. Every value is an
   * expression here; the checker types it.
   */
  readonly value = this.RULE("value", () => {
    this.SUBRULE(this.operand, LABEL.operands);
    this.MANY(this.operatorAndOperandPart);
  });

  private readonly operatorAndOperandPart = (): void => {
    this.CONSUME(ArithmeticOperator, LABEL.operators);
    this.SUBRULE2(this.operand, LABEL.operands);
  };

  /**
   * operand = { "+" | "-" } ( literal | NAME [ "(" args ")" ] | list | object | "?" | "(" value ")" ).
   * Signs are a loop, not recursion, so `- - - x` cannot overflow. A name followed by `:` or
   * `{` starts the next member, never a value: with that gate, a setting whose value is
   * missing (`epochs:` at the end of a line) is reported there and the next line still parses.
   */
  readonly operand = this.RULE("operand", () => {
    this.MANY(this.signPart);
    this.OR(this.operandAlternatives);
  });

  private readonly signPart = (): void => {
    this.CONSUME(Sign, LABEL.signs);
  };

  private readonly operandAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(NumberLiteral) },
    { ALT: () => this.CONSUME(StringLiteral) },
    { ALT: () => this.CONSUME(True) },
    { ALT: () => this.CONSUME(False) },
    { ALT: () => this.CONSUME(Question) },
    {
      GATE: () => this.startsValue(),
      ALT: () => {
        this.CONSUME(Identifier, LABEL.name);
        this.OPTION(this.argListPart);
      },
    },
    { ALT: () => this.SUBRULE(this.list) },
    { ALT: () => this.SUBRULE(this.object) },
    { ALT: () => this.SUBRULE(this.parenthesized) },
  ];

  /** "[" [ value { "," value } [","] ] "]" */
  readonly list = this.RULE("list", () => {
    this.CONSUME(LBracket);
    this.OPTION(this.itemsPart);
    this.CONSUME(RBracket);
  });

  private readonly itemsPart = (): void => {
    this.SUBRULE(this.value, LABEL.items);
    this.MANY(this.nextItemPart);
    this.OPTION2(this.trailingCommaPart);
  };

  private readonly nextItemPart = (): void => {
    this.CONSUME(Comma);
    this.SUBRULE2(this.value, LABEL.items);
  };

  /** "{" { key ":" value [ "," | ";" ] } "}" */
  readonly object = this.RULE("object", () => {
    this.CONSUME(LCurly);
    this.MANY(this.objectEntryPart);
    this.CONSUME(RCurly);
  });

  private readonly objectEntryPart = (): void => {
    this.SUBRULE(this.objectEntry);
    this.OPTION(this.separatorPart);
  };

  /** key ":" value, where a key is a name, a string or a number. */
  readonly objectEntry = this.RULE("objectEntry", () => {
    this.OR(this.objectKeyAlternatives);
    this.CONSUME(Colon);
    this.SUBRULE(this.value);
  });

  private readonly objectKeyAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(Identifier, LABEL.key) },
    { ALT: () => this.CONSUME(StringLiteral, LABEL.key) },
    { ALT: () => this.CONSUME(NumberLiteral, LABEL.key) },
  ];

  /** "(" value ")" */
  readonly parenthesized = this.RULE("parenthesized", () => {
    this.CONSUME(LParen);
    this.SUBRULE(this.value);
    this.CONSUME(RParen);
  });

  /**
   * Overrides Chevrotain's hook that opens a CST node. Chevrotain makes `children` with
   * `Object.create(null)`, which V8 keeps as a hash table; a plain object has fast
   * properties, and parsing allocates a fifth less. No key can clash with
   * `Object.prototype`: the keys are this grammar's rule, token and label names.
   */
  cstInvocationStateUpdate(fullRuleName: string): void {
    const node: CstNode = { name: fullRuleName, children: {} };
    const treeBuilder = this as unknown as TreeBuilderInternals;
    treeBuilder.setInitialNodeLocation(node);
    treeBuilder.CST_STACK.push(node);
  }

  /** True once recovery has given up on this input (see {@link MAX_RECOVERED_ERRORS}). */
  get recoveryExhausted(): boolean {
    // `errors` returns a copy; read it only on the (rare) error paths.
    return this.errors.length >= MAX_RECOVERED_ERRORS;
  }

  /** Overrides Chevrotain's unbounded look-ahead scan: bounded, and EOF once exhausted. */
  findReSyncTokenType(): TokenType {
    if (this.recoveryExhausted) return EOF;
    const follows = chevrotainRecovery.flattenFollowSet.call(this);
    for (let k = 1; k <= RESYNC_WINDOW; k++) {
      const token = this.LA(k);
      if (tokenMatcher(token, EOF)) return EOF;
      const match = follows.find((type) => tokenMatcher(token, type));
      if (match) return match;
    }
    return EOF;
  }

  /** Overrides Chevrotain's hook: no more skipping inside repetitions once exhausted. */
  shouldInRepetitionRecoveryBeTried(expected: TokenType, nextTokenIndex: number, notStuck?: boolean): boolean {
    const shouldTry = chevrotainRecovery.shouldInRepetitionRecoveryBeTried.call(
      this,
      expected,
      nextTokenIndex,
      notStuck,
    );
    return shouldTry && !this.recoveryExhausted;
  }

  private startsValue(): boolean {
    const next = this.LA(2).tokenType;
    return next !== Colon && next !== LCurly;
  }
}

/** The one parser instance: building it analyses the grammar, which is costly. */
export const dlmParser = new DlmParser();
