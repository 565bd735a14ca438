//! The one call style: every export takes one request object, read here
//! field by field, so a missing or mistyped field is an error naming it
//! (`.field` is the request's camelCase name). `undefined` and `null` count
//! as absent: optional fields take their default, required ones are missing.

use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::StudioError;

/// `value` as the request `T` of the export `export`.
pub(super) fn request<T: DeserializeOwned>(value: JsValue, export: &str) -> Result<T, StudioError> {
    T::deserialize(Request(value)).map_err(|error| studio_error(error, export))
}

// Not generic, so the page's module holds these sentences once, not once per request type.
#[inline(never)]
fn studio_error(RequestError { field, message }: RequestError, export: &str) -> StudioError {
    match field {
        Some(field) => StudioError::field(field.clone(), format!("{export}: the request's {field} {message}.")),
        None => StudioError::general(format!("{export}: the request is not valid ({message}).")),
    }
}

#[inline(never)]
fn invalid_field(field: String, error: serde_wasm_bindgen::Error) -> RequestError {
    RequestError { field: Some(field), message: format!("is not valid ({})", serde_message(&error)) }
}

/// What serde-wasm-bindgen says, without the "Error: " of the JS Error it wraps.
pub(super) fn serde_message(error: &serde_wasm_bindgen::Error) -> String {
    let message = error.to_string();
    message.strip_prefix("Error: ").map(str::to_string).unwrap_or(message)
}

#[derive(Debug)]
struct RequestError {
    field: Option<String>,
    message: String,
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RequestError {}

impl de::Error for RequestError {
    fn custom<M: fmt::Display>(message: M) -> Self {
        Self { field: None, message: message.to_string() }
    }

    fn missing_field(field: &'static str) -> Self {
        Self { field: Some(field.to_string()), message: "is missing".into() }
    }
}

/// The request object itself: a struct (its fields read by name) or, for a
/// request with flattened settings, a map of its own properties.
struct Request(JsValue);

// Not generic (the deserializer's methods are, once per request type): the work is here.
impl Request {
    fn object(self) -> Result<js_sys::Object, RequestError> {
        if self.0.is_object() && !js_sys::Array::is_array(&self.0) {
            Ok(self.0.unchecked_into())
        } else {
            Err(de::Error::custom("it must be one object, such as { nowMs: Date.now() }"))
        }
    }

    /// A struct's `fields`, read by name.
    fn fields(self, fields: &'static [&'static str]) -> Result<Fields, RequestError> {
        let object = self.object()?;
        let entries = fields.iter().map(|&name| (name.to_string(), js_sys::Reflect::get(&object, &name.into()).unwrap_or_default()));
        Ok(Fields::new(entries.collect()))
    }

    /// Every own property (a request with flattened settings).
    fn entries(self) -> Result<Fields, RequestError> {
        let entries = js_sys::Object::entries(&self.object()?);
        let entries = entries.iter().map(|entry| {
            let entry: js_sys::Array = entry.unchecked_into();
            (entry.get(0).as_string().unwrap_or_default(), entry.get(1))
        });
        Ok(Fields::new(entries.collect()))
    }
}

impl<'de> de::Deserializer<'de> for Request {
    type Error = RequestError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, RequestError> {
        visitor.visit_map(self.fields(fields)?)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RequestError> {
        visitor.visit_map(self.entries()?)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct enum identifier ignored_any
    }
}

/// The request's fields, each read by serde-wasm-bindgen; an error there is
/// given the field's name.
struct Fields {
    entries: std::vec::IntoIter<(String, JsValue)>,
    current: Option<(String, JsValue)>,
}

impl Fields {
    fn new(entries: Vec<(String, JsValue)>) -> Self {
        let present = entries.into_iter().filter(|(_, value)| !value.is_undefined() && !value.is_null());
        Self { entries: present.collect::<Vec<_>>().into_iter(), current: None }
    }
}

impl<'de> MapAccess<'de> for Fields {
    type Error = RequestError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, RequestError> {
        let Some((name, value)) = self.entries.next() else { return Ok(None) };
        let key = seed.deserialize(name.as_str().into_deserializer())?;
        self.current = Some((name, value));
        Ok(Some(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, RequestError> {
        let (name, value) = self.current.take().ok_or_else(|| de::Error::custom("a value without its field"))?;
        seed.deserialize(serde_wasm_bindgen::Deserializer::from(value)).map_err(|e| invalid_field(name, e))
    }
}
