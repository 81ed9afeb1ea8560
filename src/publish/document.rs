//! The published document as a value: sections of paragraphs, facts, lists
//! and tables, with the few inline marks the two renderers share. Built by
//! [`super::document`]; written out by [`super::html`] and [`super::markdown`].

/// A run of text: words, with codes and names as the rule file writes them
/// marked apart (so a reader can find them in a case file or the questionnaire).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub Vec<Piece>);

/// One part of a [`Text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Words to read.
    Words(String),
    /// A code or name as written in the rule file (`older_people`, `q01`).
    Code(String),
    /// Words a council wrote itself and must not be reworded (a reason
    /// sentence, a flag's sentence), shown as a quotation.
    Quote(String),
    /// A line break within a paragraph or list item (a space in a table).
    Break,
}

impl Text {
    /// Plain words.
    pub fn words(text: impl Into<String>) -> Text {
        Text(vec![Piece::Words(text.into())])
    }

    /// A code on its own.
    pub fn code(code: impl Into<String>) -> Text {
        Text(vec![Piece::Code(code.into())])
    }

    /// Appends words.
    pub fn push(&mut self, text: impl Into<String>) -> &mut Text {
        let text = text.into();
        if let Some(Piece::Words(last)) = self.0.last_mut() {
            last.push_str(&text);
        } else if !text.is_empty() {
            self.0.push(Piece::Words(text));
        }
        self
    }

    /// Appends a code.
    pub fn push_code(&mut self, code: impl Into<String>) -> &mut Text {
        self.0.push(Piece::Code(code.into()));
        self
    }

    /// Appends a quotation.
    pub fn push_quote(&mut self, quote: impl Into<String>) -> &mut Text {
        self.0.push(Piece::Quote(quote.into()));
        self
    }

    /// Appends a line break.
    pub fn push_break(&mut self) -> &mut Text {
        self.0.push(Piece::Break);
        self
    }

    /// Appends another text.
    pub fn append(&mut self, other: Text) -> &mut Text {
        for piece in other.0 {
            match piece {
                Piece::Words(w) => {
                    self.push(w);
                }
                p => self.0.push(p),
            }
        }
        self
    }

    /// The text with its marks dropped, as a reader sees it.
    pub fn plain(&self) -> String {
        self.0
            .iter()
            .map(|p| match p {
                Piece::Words(w) | Piece::Code(w) => w.clone(),
                Piece::Quote(q) => format!("“{q}”"),
                Piece::Break => " ".to_string(),
            })
            .collect()
    }

    /// True when there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|p| match p {
            Piece::Words(w) | Piece::Code(w) | Piece::Quote(w) => w.is_empty(),
            Piece::Break => true,
        })
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text::words(text)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text::words(text)
    }
}

/// The whole document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The policy's title.
    pub title: String,
    /// The council, shown under the title.
    pub council: String,
    /// Sections in reading order; the table of contents lists them.
    pub sections: Vec<Section>,
}

/// A section with a heading; its subsections are one level down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Anchor for links from the table of contents (letters, digits, `-`).
    pub id: String,
    /// Heading.
    pub heading: Text,
    /// Content before the subsections.
    pub blocks: Vec<Block>,
    /// Subsections.
    pub subsections: Vec<Section>,
}

impl Section {
    /// An empty section.
    pub fn new(id: impl Into<String>, heading: impl Into<Text>) -> Section {
        Section {
            id: id.into(),
            heading: heading.into(),
            blocks: Vec::new(),
            subsections: Vec::new(),
        }
    }

    /// Adds a block.
    pub fn with(mut self, block: Block) -> Section {
        self.blocks.push(block);
        self
    }
}

/// A piece of content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph.
    Paragraph(Text),
    /// Named facts, such as the policy header: a term and what it is.
    Facts(Vec<(Text, Text)>),
    /// A list in no particular order.
    List(Vec<Text>),
    /// Numbered items, in the order they apply.
    Numbered(Vec<Text>),
    /// A table.
    Table(Table),
}

/// A table: a caption, column headings and rows whose first cell names the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// What the table shows.
    pub caption: Text,
    /// Column headings.
    pub head: Vec<Text>,
    /// Rows, each as wide as `head`.
    pub rows: Vec<Vec<Text>>,
    /// Columns of figures (right-aligned on paper).
    pub figures: Vec<bool>,
}

impl Table {
    /// A table with these headings and no rows; `figures` marks the columns
    /// that hold figures.
    pub fn new(caption: impl Into<Text>, head: Vec<Text>, figures: Vec<bool>) -> Table {
        Table {
            caption: caption.into(),
            head,
            rows: Vec::new(),
            figures,
        }
    }
}
